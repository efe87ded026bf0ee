"""Pages of directives: thin views over ``selectors`` and ``services``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from dudao.core.downloads import download, verified_attachment
from dudao.core.forms import note_form
from dudao.core.views import DetailFormView, ObjectDetailView, ScopedMixin, ServiceFormView, TransitionView
from dudao.directives import exports, selectors, services, tables
from dudao.directives.filters import DirectiveFilterSet
from dudao.directives.forms import DirectiveForm, ItemForm, ReportForm, ReviewForm, UrgeForm
from dudao.directives.models import MANAGE, REPORT, Directive, DirectiveItem, ReportFile
from dudao.documents.selectors import subject_documents
from dudao.jobs.exports import ExportableListView


class DirectiveListView(ExportableListView):
    model = Directive
    filterset_class = DirectiveFilterSet
    default_ordering = ("-decided_on", "-pk")
    add_url_name = "directives:directive_add"
    title = gettext_lazy("Directives")
    columns = tables.DIRECTIVE_COLUMNS

    selector = selectors.directive_list


class DirectiveFormMixin(ServiceFormView):
    model = Directive
    form_class = DirectiveForm
    template_name = "core/form.html"


class DirectiveCreateView(DirectiveFormMixin):
    permission_action = "add"
    extra_context = {"title": gettext_lazy("Register a directive")}
    success_message = gettext_lazy("Directive registered: add the units' items, then assign them.")

    def get_initial(self):
        return {"decided_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": reverse("directives:directive_list")}

    def perform(self, form):
        d = form.cleaned_data
        directive = services.directive_register(
            actor=self.request.user, office_id=d["office"].pk, title=d["title"], source=d["source"],
            source_text=d["source_text"], decided_on=d["decided_on"], requirements=d["requirements"])
        return directive.get_absolute_url()


class DirectiveEditView(DirectiveFormMixin):
    change_check = selectors.directive_can_change

    def get_initial(self):
        d = self.object
        return {"office": d.office, "title": d.title, "source": d.source, "source_text": d.source_text,
                "decided_on": d.decided_on, "requirements": d.requirements}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["office"].disabled = True
        return form

    def perform(self, form):
        d = form.cleaned_data
        services.directive_update(actor=self.request.user, directive_id=self.object.pk, title=d["title"],
                                  source=d["source"], source_text=d["source_text"], decided_on=d["decided_on"],
                                  requirements=d["requirements"])
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.object, "cancel_url": self.object.get_absolute_url(),
                "title": _("Edit {name}").format(name=self.object)}


class DirectiveDetailView(ObjectDetailView):
    model = Directive
    select_related = selectors.DIRECTIVE_RELATED

    def object_context(self, ctx, directive, user):
        rows = selectors.item_rows(user=user, directive=directive)
        can_manage = ctx["can_change"] and user.has_perm(MANAGE)
        can_edit = ctx["can_change"] and directive.is_editable
        out = {
            "title": directive.title,
            "stages": selectors.directive_stages(directive=directive, rows=rows),
            "rows": rows, "counts": selectors.board_counts(rows),
            "units": selectors.unit_board(user=user, directive=directive),
            "transitions": [n for n, t in Directive.TRANSITIONS.items()
                            if can_manage and directive.status in t.sources],
            "can_edit": can_edit,
            "filed_documents": subject_documents(user=user, subjects=[directive]),
        }
        if can_edit and user.has_perm("directives.add_directiveitem"):
            out["forms"] = {"item": ItemForm(user=user, directive=directive), **ctx.get("forms", {})}
            out["item_form"] = out["forms"]["item"]
        return out


class DirectiveTransitionView(TransitionView):
    model = Directive
    services = services.DIRECTIVE_TRANSITION_SERVICES
    success_messages = {
        "assign": gettext_lazy("The items are assigned and the units told."),
        "publish": gettext_lazy("The bulletin is published and filed."),
        "archive": gettext_lazy("The directive is archived."),
    }


class ItemAddView(DetailFormView):
    detail_view = DirectiveDetailView
    form_key = "item"
    success_message = gettext_lazy("Item added.")

    def get_form(self, row):
        return ItemForm(self.request.POST, user=self.request.user, directive=row)

    def perform(self, row, form):
        d = form.cleaned_data
        services.item_add(actor=self.request.user, directive_id=row.pk,
                          school_id=d["school"].pk if d["school"] else None,
                          department_id=d["department"].pk if d["department"] else None,
                          content=d["content"], deadline=d["deadline"], report_every_days=d["report_every_days"])


class BoardView(ScopedMixin, TemplateView):
    """The progress board: per unit, how many items are on time, late, returned and done; per item
    below. ``?directive=<id>`` narrows it to one directive; ``?export=xlsx`` gives the sheet."""

    model = DirectiveItem
    permission_action = "view"
    template_name = "directives/board.html"

    def directive(self):
        value = self.request.GET.get("directive", "")
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        try:
            return selectors.directive_get(user=self.request.user, pk=int(value))
        except Directive.DoesNotExist:
            raise Http404 from None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            directive = self.directive()
            name = f"{directive.title if directive else _('Directives')}-{_('Progress board')}.xlsx"
            return download(exports.board_workbook(user=request.user, directive=directive), name)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        directive, user = self.directive(), self.request.user
        rows = selectors.item_rows(user=user, directive=directive)
        ctx.update({"title": _("Progress board"), "directive": directive, "rows": rows,
                    "counts": selectors.board_counts(rows), "units": selectors.unit_board(user=user, directive=directive),
                    "help": selectors.BOARD_HELP})
        return ctx


class ItemDetailView(ObjectDetailView):
    model = DirectiveItem
    template_name = "directives/item_detail.html"
    object_selector = selectors.item_get

    def get_object(self):
        try:
            return super().get_object()
        except DirectiveItem.DoesNotExist:
            raise Http404 from None

    def object_context(self, ctx, item, user):
        running = item.directive.status in selectors.OPEN
        with_unit = item.status in (DirectiveItem.Status.PENDING, DirectiveItem.Status.RETURNED)
        urges = list(selectors.urge_list(user=user, item=item))
        last = selectors.last_reported_on(item)
        forms = ctx.get("forms", {})
        return {
            "title": f"{item.unit_name} · {item.directive.title}",
            "reports": list(selectors.report_list(user=user, item=item)), "urges": urges,
            "board": item.board(), "board_label": DirectiveItem.Board(item.board()).label,
            "next_report_due": item.next_report_due(last),
            "can_report": running and with_unit and DirectiveItem.objects.for_user(
                user, "change", permission=REPORT).filter(pk=item.pk).exists(),
            "can_urge": running and with_unit and ctx["can_change"] and user.has_perm(MANAGE),
            "can_review": running and item.status == DirectiveItem.Status.REPORTED and ctx["can_change"]
            and user.has_perm(MANAGE),
            "filed_documents": subject_documents(user=user, subjects=urges) if urges else [],
            "report_form": forms.get("report") or ReportForm(),
            "urge_form": forms.get("urge") or UrgeForm(),
            "review_form": forms.get("review") or ReviewForm(),
        }


class ItemActionView(DetailFormView):
    """POST ``report`` (the unit) or ``urge`` (the office) on an item."""

    detail_view = ItemDetailView
    object_selector = selectors.item_get

    def post(self, request, pk, name=None):
        if self.kwargs.get("name") not in ("report", "urge"):
            raise Http404
        self.form_key = self.kwargs["name"]
        return super().post(request, pk)

    def get_object(self):
        try:
            return super().get_object()
        except DirectiveItem.DoesNotExist:
            raise Http404 from None

    def get_form(self, row):
        return (ReportForm if self.form_key == "report" else UrgeForm)(self.request.POST, self.request.FILES)

    def perform(self, row, form):
        d = form.cleaned_data
        if self.form_key == "report":
            services.item_report(actor=self.request.user, item_id=row.pk, text=d["text"], is_final=d["is_final"],
                                 files=d["files"])
            self.success_message = _("Your report is sent to the office.")
        else:
            urge = services.item_urge(actor=self.request.user, item_id=row.pk, note=d["note"])
            self.success_message = _("Urge notice {number} is filed and the unit told.").format(
                number=urge.document.number)


class ItemTransitionView(TransitionView):
    model = DirectiveItem
    services = services.ITEM_TRANSITION_SERVICES
    object_kwarg = "item_id"
    form_class = note_form("comment")
    success_messages = {"accept": gettext_lazy("The item is accepted."),
                        "return": gettext_lazy("The item is returned to the unit.")}

    def check(self, obj, name: str) -> None:
        if not self.request.user.has_perm(MANAGE):
            raise PermissionDenied



class FileDownloadView(ScopedMixin, View):
    """A file a unit sent with a progress report, checked against its SHA-256."""

    model = ReportFile

    def get(self, request, pk):
        return verified_attachment(get_object_or_404(selectors.file_list(user=request.user), pk=pk))
