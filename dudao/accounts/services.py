from django.db import transaction

from dudao.audit.services import record


@transaction.atomic
def user_set_language(*, actor, language: str):
    """Saves the user's interface language."""
    if actor.language != language:
        old = actor.language
        actor.language = language
        actor.save(update_fields=["language"])
        record(actor=actor, action="accounts.user.set_language", target=actor, changes={"language": [old, language]})
    return actor
