"""API of the supervision loop; each module registers its viewsets on the project router."""


def register(router) -> None:
    from dudao.inspections.api import rectifications, visits

    visits.register(router)
    rectifications.register(router)
