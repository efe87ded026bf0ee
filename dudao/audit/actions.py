"""What each audit action code means, in the words of an office.

Services write dotted codes (``inspections.rectification.issue``); people read the label. Every
code a service writes has a label here; the reference-data codes of the audited ``model_save`` and
``model_delete`` (``<app>.<model>.create|update|delete``) are labelled from the model's name. A
convention test (``audit/tests/test_action_labels.py``) finds the codes in the source and fails on
one without a label.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# The reference-data codes of ``model_save`` / ``model_delete``, for any model.
GENERIC = {
    "create": _("Created: {model}"),
    "update": _("Changed: {model}"),
    "delete": _("Deleted: {model}"),
}

LABELS = {
    # audit log
    "audit.chain.seal": _("Sealed the audit log with the audit key"),
    # accounts
    "accounts.user.create": _("Created an account"),
    "accounts.user.set_language": _("Changed the interface language"),
    "accounts.user.reset_password": _("Reset a password"),
    "accounts.user.set_password": _("Set a password"),
    "accounts.user.change_password": _("Changed one's own password"),
    "accounts.user.lock": _("Locked sign-in after wrong passwords"),
    "accounts.user.unlock": _("Unlocked sign-in"),
    # notifications
    "notifications.channels.set": _("Set the office's message channels"),
    "notifications.preference.set": _("Set one's own message channels"),
    "accounts.membership.grant": _("Granted a role"),
    "accounts.membership.end": _("Ended a role"),
    # organisations
    "organizations.school.create": _("Added a school"),
    "organizations.school.update": _("Changed a school"),
    "organizations.zonemembership.move": _("Moved a school to another zone"),
    "organizations.zonemembership.end": _("Ended a school's zone membership"),
    "organizations.zonemembership.correct": _("Corrected a school's zone membership"),
    "organizations.zonemembership.separate": _("Separated overlapping zone memberships"),
    # inspectors
    "inspectors.inspector.create": _("Added an inspector"),
    "inspectors.inspector.update": _("Changed an inspector"),
    "inspectors.inspector.suspend": _("Suspended an inspector"),
    "inspectors.inspector.reinstate": _("Reinstated an inspector"),
    "inspectors.inspector.dismiss": _("Dismissed an inspector"),
    "inspectors.listing.assign": _("Listed an inspector at a school"),
    "inspectors.listing.end": _("Ended a listing"),
    "inspectors.listing.correct": _("Corrected a listing"),
    "inspectors.listing.separate": _("Separated overlapping listings"),
    "inspectors.case.create": _("Wrote a supervision case"),
    "inspectors.case.update": _("Changed a supervision case"),
    "inspectors.case.attach": _("Attached a file to a supervision case"),
    "inspectors.case.submit": _("Submitted a supervision case"),
    "inspectors.case.return": _("Returned a supervision case"),
    "inspectors.case.accept": _("Accepted a supervision case"),
    "inspectors.case.publish": _("Published a supervision case"),
    "inspectors.term.create": _("Recorded a term of appointment"),
    "inspectors.term.remind": _("Reminded of the end of a term"),
    # checklists, indicator systems, questionnaires
    "instruments.instrument.create": _("Created a checklist"),
    "instruments.instrument.update": _("Changed a checklist"),
    "instruments.instrument.copy": _("Copied a checklist"),
    "instruments.version.create": _("Created a draft version"),
    "instruments.version.delete": _("Deleted a draft version"),
    "instruments.version.import": _("Imported a version from Excel"),
    "instruments.version.publish": _("Published a version"),
    "instruments.version.retire": _("Retired a version"),
    "instruments.item.create": _("Added an item"),
    "instruments.item.update": _("Changed an item"),
    "instruments.item.delete": _("Deleted an item"),
    "instruments.item.move": _("Moved an item"),
    # documents
    "documents.template.upload": _("Uploaded a document template"),
    "documents.template.activate": _("Activated a document template"),
    "documents.document.generate": _("Generated a document"),
    "documents.document.pdf": _("Added the PDF of a document"),
    "documents.document.upload": _("Uploaded a document"),
    "documents.number.renumber": _("Renumbered a document"),
    # plans and tasks
    "plans.workplan.create": _("Created a work plan"),
    "plans.workplan.update": _("Changed a work plan"),
    "plans.workplan.submit": _("Submitted a work plan"),
    "plans.workplan.approve": _("Approved a work plan"),
    "plans.workplan.return": _("Returned a work plan"),
    "plans.task.create": _("Created a task"),
    "plans.task.update": _("Changed a task"),
    "plans.task.prescribe": _("Assigned a prescribed task"),
    "plans.task.complete": _("Completed a task"),
    "plans.task.reopen": _("Reopened a task"),
    # visits, findings, rectification
    "inspections.visit.create": _("Recorded a visit"),
    "inspections.visit.update": _("Changed a visit record"),
    "inspections.visit.submit": _("Submitted a visit record"),
    "inspections.attachment.add": _("Added a file"),
    "inspections.attachment.delete": _("Deleted a file"),
    "inspections.attachment.integrity_failure": _("A file failed its integrity check"),
    "inspections.attachment.stamp": _("Stamped a visit photo"),
    "inspections.finding.create": _("Recorded a finding"),
    "inspections.rectification.issue": _("Issued a rectification notice"),
    "inspections.rectification.submit": _("Submitted a rectification report"),
    "inspections.rectification.close": _("Closed a rectification notice"),
    "inspections.rectification.return": _("Returned a rectification"),
    "inspections.rectification.escalate": _("Recorded an interview or a public criticism"),
    "inspections.rectification.overdue": _("A rectification notice became overdue"),
    "inspections.deadlinepolicy.set": _("Set a rectification deadline"),
    # special campaigns
    "campaigns.campaign.create": _("Created a special campaign"),
    "campaigns.campaign.update": _("Changed a special campaign"),
    "campaigns.campaign.targets": _("Chose the schools of a special campaign"),
    "campaigns.campaign.launch": _("Launched a special campaign"),
    "campaigns.campaign.close": _("Ended a special campaign"),
    "campaigns.team.create": _("Formed a supervision team"),
    "campaigns.team.update": _("Changed a supervision team"),
    "campaigns.evidence.add": _("Uploaded evidence for a special campaign"),
    "campaigns.target.self_check": _("Submitted a self-check"),
    "campaigns.target.visit": _("Recorded the team's visit"),
    "campaigns.target.notice": _("Issued a rectification notice from a special campaign"),
    "campaigns.target.complete": _("Completed a school's special campaign"),
    # evaluations
    "evaluations.evaluation.create": _("Created an evaluation"),
    "evaluations.evaluation.units": _("Chose the units of an evaluation"),
    "evaluations.evaluation.rater": _("Added a rater"),
    "evaluations.evaluation.notify": _("Sent the evaluation notice"),
    "evaluations.evaluation.review": _("Began the site visits"),
    "evaluations.evaluation.rate": _("Began the scoring"),
    "evaluations.evaluation.feed_back": _("Fed back the preliminary opinions"),
    "evaluations.evaluation.conclude": _("Concluded the evaluation"),
    "evaluations.evaluation.publish": _("Published the evaluation results"),
    "evaluations.unit.self_assessment": _("Saved a self-assessment"),
    "evaluations.unit.submit_self": _("Submitted a self-assessment"),
    "evaluations.unit.reply": _("Replied to the preliminary opinion"),
    "evaluations.unit.preliminary": _("Edited a preliminary opinion"),
    "evaluations.unit.opinion": _("Issued an opinion letter"),
    "evaluations.evidence.add": _("Uploaded evidence"),
    "evaluations.sitevisit.create": _("Recorded a site visit"),
    "evaluations.rating.save": _("Saved a score sheet"),
    "evaluations.rating.submit": _("Submitted a score sheet"),
    "evaluations.rating.reopen": _("Reopened a score sheet"),
    # balanced-development monitoring
    "monitoring.statisticsyear.open": _("Opened a statistics year"),
    "monitoring.statisticsyear.import": _("Imported the county workbook"),
    "monitoring.statisticsyear.lock": _("Locked a statistics year"),
    "monitoring.statisticsyear.unlock": _("Unlocked a statistics year"),
    "monitoring.schoolreturn.add": _("Filed a school return"),
    "monitoring.schoolreturn.change": _("Changed a school return"),
    "monitoring.schoolreturn.import": _("Imported a school return"),
    "monitoring.balancestandard.set": _("Set the office's balance standards"),
    "monitoring.balancestandard.clear": _("Cleared the office's balance standards"),
    # the public channel
    "complaints.complaint.register": _("Registered a complaint"),
    "complaints.complaint.assign": _("Assigned a complaint"),
    "complaints.complaint.verify": _("Verified a complaint with the school"),
    "complaints.complaint.handle": _("Began handling a complaint"),
    "complaints.complaint.answer": _("Answered a complaint"),
    "complaints.complaint.close": _("Concluded a complaint"),
    "complaints.complaint.reopen": _("Reopened a complaint"),
    "complaints.complaint.rate": _("The complainant rated the handling"),
    "complaints.complaint.finding": _("Recorded a finding from a complaint"),
    "complaints.complaint.rectification": _("Issued a rectification notice from a complaint"),
    "complaints.policy.set": _("Set the complaint time limit"),
    "complaints.publication.publish": _("Published on the school's public page"),
    "complaints.publication.withdraw": _("Withdrew from the school's public page"),
    # surveys
    "surveys.survey.create": _("Created a satisfaction survey"),
    "surveys.survey.update": _("Changed a satisfaction survey"),
    "surveys.survey.open": _("Opened a satisfaction survey"),
    "surveys.survey.close": _("Ended a satisfaction survey"),
    "surveys.survey.reopen": _("Reopened a satisfaction survey"),
    "surveys.survey.codes": _("Issued answer codes"),
    # directives
    "directives.directive.register": _("Registered a directive"),
    "directives.directive.update": _("Changed a directive"),
    "directives.directive.assign": _("Assigned a directive's items"),
    "directives.directive.publish": _("Published the bulletin of a directive"),
    "directives.directive.archive": _("Archived a directive"),
    "directives.item.add": _("Added an item to a directive"),
    "directives.item.file": _("Attached a file to a directive item"),
    "directives.item.report": _("Reported progress on a directive item"),
    "directives.item.urge": _("Urged a late unit"),
    "directives.item.submit": _("Reported a directive item done"),
    "directives.item.return": _("Returned a directive item"),
    "directives.item.accept": _("Accepted a directive item"),
    # reports and assessment
    "reports.report.create": _("Drafted a work report"),
    "reports.report.redraft": _("Drafted a work report again"),
    "reports.report.submit": _("Submitted a work report"),
    "reports.report.return": _("Returned a work report"),
    "reports.report.accept": _("Accepted a work report"),
    "reports.assessmentrating.create": _("Rated an inspector"),
    "reports.assessmentrating.update": _("Changed a rating of an inspector"),
}


# Models that moved to another app keep the codes they were audited under: the log is hash-chained
# and never rewritten, so the codes stay as written and name the model's app of the time.
MOVED = {
    ("reports", "assessmentpolicy"): "assessment",
    ("reports", "assessmentrating"): "assessment",
    ("reports", "report"): "workreports",
    ("reports", "reportpolicy"): "workreports",
}


def code_model(code: str):
    """The model a code is about (``campaigns.team.create`` → ``CampaignTeam``), or None."""
    app_label, _dot, rest = code.partition(".")
    name = rest.partition(".")[0]
    app_label = MOVED.get((app_label, name), app_label)
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return None
    models = list(config.get_models())
    exact = [m for m in models if m._meta.model_name == name]
    suffixed = [m for m in models if m._meta.model_name.endswith(name)]
    found = exact or suffixed
    return found[0] if len(found) == 1 or exact else None


def has_label(code: str) -> bool:
    """Whether ``code`` reads as words: its own label, or a reference-data code of a known model."""
    return code in LABELS or (code.rpartition(".")[2] in GENERIC and code_model(code) is not None)


def action_label(code: str) -> str:
    """The words for an audit action code; never the code itself."""
    if code in LABELS:
        return str(LABELS[code])
    model = code_model(code)
    verb = code.rpartition(".")[2]
    if model is not None and verb in GENERIC:
        return str(GENERIC[verb]).format(model=model._meta.verbose_name)
    if model is not None:
        return str(_("Other change: {model}")).format(model=model._meta.verbose_name)
    return str(_("Other change"))


def action_choices() -> list:
    """The filter's choices: per app, the whole app first, then each labelled code."""
    groups = {}
    for code in LABELS:
        groups.setdefault(code.partition(".")[0], []).append(code)
    out = []
    for app_label, codes in groups.items():
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        name = str(config.verbose_name)
        out.append((name, [(f"{app_label}.", str(_("All of {app}")).format(app=name)),
                           *((code, action_label(code)) for code in codes)]))
    return out
