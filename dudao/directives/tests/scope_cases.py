"""Scope-matrix cases of directives and their items (see ``dudao.core.testing.scope_matrix``)."""


from dudao.core.testing.scope_matrix import ScopeCase, register
from dudao.directives import selectors
from dudao.directives.tests.helpers import assigned


def _directive(world, county):
    """An assigned directive of the county's office with an item for its first two schools and one for
    its bureau department (whose unit liaison in county A must not see county B's)."""
    return assigned(world, county=county, title=f"督办事项标记{county.upper()}", departments=(0,))


def _item(world, county):
    return _directive(world, county).items.order_by("pk").first()


register(ScopeCase(
    label="directives.Directive",
    b_row=lambda world: _directive(world, "b"),
    a_row=lambda world: _directive(world, "a"),
    marker=lambda directive: directive.title,
    ui_list="directives:directive_list",
    ui_detail="directives:directive_detail",
    api_basename="directives-directive",
    selectors={"directive_list": lambda user: selectors.directive_list(user=user)},
))

register(ScopeCase(
    label="directives.DirectiveItem",
    b_row=lambda world: _item(world, "b"),
    a_row=lambda world: _item(world, "a"),
    marker=lambda item: item.content,
    ui_detail="directives:item_detail",
    api_basename="directives-item",
    selectors={"item_list": lambda user: selectors.item_list(user=user),
               "board": lambda user: [row["item"] for row in selectors.item_rows(user=user)]},
))
