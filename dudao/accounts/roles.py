"""Capabilities: which Django permissions each role grants (scope is a separate axis).

Permissions are the usual ``app.action_model`` strings. Later apps add their models here, so
the table stays the one reviewed place where roles become capabilities.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("System administrator")
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    OFFICE_STAFF = "office_staff", _("Office staff")
    ZONE_LEADER = "zone_leader", _("Zone leader")
    INSPECTOR = "inspector", _("Inspector")
    SCHOOL_LIAISON = "school_liaison", _("School liaison")
    PRINCIPAL = "principal", _("Principal")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")

_VIEW = "view"
_CRUD = ("view", "add", "change", "delete")

# Models grouped by who manages them.
ORGANISATION_MODELS = (
    "organizations.region", "organizations.office", "organizations.school",
    "organizations.zone", "organizations.zonemembership", "organizations.department",
    "inspectors.inspector", "inspectors.listing",
)


def _perms(models, actions):
    out = set()
    for dotted in models:
        app, model = dotted.split(".")
        for action in actions:
            out.add(f"{app}.{action}_{model}")
    return out


# The monthly supervision loop.
LOOP_MODELS = (
    "inspections.visit", "inspections.finding", "inspections.rectification", "inspections.attachment",
    "instruments.instrument", "instruments.response",
)
_LOOP_READ = _perms(LOOP_MODELS, (_VIEW,)) | {"inspections.view_deadlinepolicy"}
_INSPECTOR_LOOP = _LOOP_READ | _perms(
    ("inspections.visit", "inspections.finding", "inspections.attachment", "instruments.response"), ("add", "change")
) | {"inspections.add_rectification", "inspections.recheck_rectification"}
_SCHOOL_LOOP = _perms(("inspections.visit", "inspections.finding", "inspections.rectification",
                       "inspections.attachment"), (_VIEW,)) | {
    "inspections.submit_rectification", "inspections.add_attachment",
}

_OFFICE_READ = _perms(ORGANISATION_MODELS, (_VIEW,)) | _LOOP_READ | {
    "audit.view_auditevent", "jobs.view_job", "jobs.add_job", "notifications.view_notification",
    "inspections.escalate_rectification",
}

# Plans and tasks (规程 Art. 2): the office reviews and files plans (审核备案) and prescribes tasks;
# zone leaders and inspectors write, submit and read plans and complete their tasks. Scope decides
# which plans they write (their own, their zone's) and which tasks they reach (their own; a zone
# leader also reads the zone's). School liaisons and principals get none: plans and tasks are the
# office's internal work management, and a task may concern a school (a complaint to verify).
_PLANS_OFFICE = _perms(("plans.workplan", "plans.task"), ("view", "add", "change")) | {
    "plans.submit_workplan", "plans.review_workplan", "plans.prescribe_task", "plans.complete_task",
}
_PLANS_INSPECTOR = _perms(("plans.workplan",), ("view", "add", "change")) | {
    "plans.submit_workplan", "plans.view_task", "plans.add_task", "plans.change_task", "plans.complete_task",
}

# Balanced-development statistics: the office collects, reviews and locks a year's school
# returns; a school liaison files its own school's returns while the year is open; the rest read.
_MONITORING_READ = _perms(("monitoring.statisticsyear", "monitoring.schoolreturn"), (_VIEW,))
_MONITORING_OFFICE = _MONITORING_READ | _perms(("monitoring.statisticsyear", "monitoring.schoolreturn"),
                                               ("add", "change")) | {"monitoring.lock_statisticsyear"}
_MONITORING_SCHOOL = _MONITORING_READ | _perms(("monitoring.schoolreturn",), ("add", "change"))

# Documents and the archive (台账): everyone who works a school's record reads its documents and
# may have one generated about what they can see; only the office administrator changes the
# office's templates (letterhead, wording, number pattern), which every document then uses.
_DOCUMENTS = {"documents.view_document", "documents.add_document"}
_DOCUMENTS_OFFICE = _DOCUMENTS | {"documents.view_documenttemplate"}

# Work reports (督导工作报告): inspectors and zone leaders draft and submit their monthly reports and
# term summaries; the office drafts its own, sets when reports fall due, and accepts or returns
# them. Scope decides whose reports (their own, their zone's, the office's subtree).
_REPORTS_WRITE = _perms(("workreports.report",), ("view", "add", "change")) | {"workreports.submit_report"}
_REPORTS_OFFICE = _REPORTS_WRITE | {"workreports.review_report", "workreports.view_reportpolicy"}

# Inspector development (《督学管理暂行办法》, STANDARDS §6): the office keeps every inspector's training
# file and terms of appointment, reviews and publishes cases, and sees the assessment; inspectors
# record their own training, write and submit cases, read their terms, and rate themselves and
# their peers; schools rate the inspector listed at them. Scope decides whose rows (own, office).
_DEVELOPMENT_OFFICE = _perms(("inspectors.trainingrecord", "inspectors.term", "inspectors.case"), _CRUD) | {
    "inspectors.review_case", "inspectors.view_inspectorpolicy", "assessment.view_assessmentrating",
    "assessment.view_assessmentpolicy", "assessment.view_assessment",
}
_DEVELOPMENT_INSPECTOR = _perms(("inspectors.trainingrecord",), _CRUD) | _perms(
    ("inspectors.case",), ("view", "add", "change")) | {
    "inspectors.submit_case", "inspectors.view_term",
    "assessment.view_assessmentrating", "assessment.add_assessmentrating", "assessment.change_assessmentrating",
}
_DEVELOPMENT_SCHOOL = {"assessment.view_assessmentrating", "assessment.add_assessmentrating",
                       "assessment.change_assessmentrating"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICE_ADMIN: frozenset(
        _OFFICE_READ
        | _perms(ORGANISATION_MODELS, _CRUD)
        | {"organizations.import_school", "inspectors.import_inspector"}
        | _perms(("accounts.membership",), ("view", "add", "change"))
        | _perms(("instruments.instrument", "inspections.deadlinepolicy"), _CRUD)
        | _PLANS_OFFICE | _perms(("plans.workplan", "plans.task"), ("delete",))
        | _MONITORING_OFFICE
        | _DOCUMENTS_OFFICE | _perms(("documents.documenttemplate",), ("add", "change"))
        | _REPORTS_OFFICE | _perms(("workreports.reportpolicy",), ("add", "change"))
        | _DEVELOPMENT_OFFICE | _perms(("inspectors.inspectorpolicy", "assessment.assessmentpolicy"), ("add", "change"))
    ),
    Role.OFFICE_STAFF: frozenset(
        _OFFICE_READ
        | _perms(("organizations.school", "inspectors.inspector", "inspectors.listing",
                  "organizations.zonemembership"), ("add", "change"))
        | {"organizations.import_school", "inspectors.import_inspector", "accounts.view_membership"}
        | _PLANS_OFFICE | _MONITORING_OFFICE | _DOCUMENTS_OFFICE | _REPORTS_OFFICE | _DEVELOPMENT_OFFICE
    ),
    Role.ZONE_LEADER: frozenset(
        _perms(ORGANISATION_MODELS, (_VIEW,)) | _INSPECTOR_LOOP | _PLANS_INSPECTOR
        | {"notifications.view_notification", "jobs.view_job", "jobs.add_job"} | _MONITORING_READ
        | _DOCUMENTS | _REPORTS_WRITE | _DEVELOPMENT_INSPECTOR
    ),
    Role.INSPECTOR: frozenset(
        _perms(ORGANISATION_MODELS, (_VIEW,)) | _INSPECTOR_LOOP | _PLANS_INSPECTOR
        | {"notifications.view_notification", "jobs.view_job", "jobs.add_job"} | _MONITORING_READ
        | _DOCUMENTS | _REPORTS_WRITE | _DEVELOPMENT_INSPECTOR
    ),
    Role.SCHOOL_LIAISON: frozenset(
        _perms(("organizations.school", "organizations.region", "organizations.office",
                "inspectors.inspector", "inspectors.listing"), (_VIEW,))
        | _SCHOOL_LOOP
        | {"notifications.view_notification", "jobs.view_job", "jobs.add_job"} | _MONITORING_SCHOOL
        | _DOCUMENTS | _DEVELOPMENT_SCHOOL
    ),
}
ROLE_PERMISSIONS[Role.PRINCIPAL] = ROLE_PERMISSIONS[Role.SCHOOL_LIAISON]

# The public channel (规程 第三条(三) 受理、核实相关举报和投诉): the office reads, assigns, closes and
# reopens complaints, sets its time limit and publishes reports and notices on the schools' public
# pages; inspectors and zone leaders read the complaints of their schools (never those about
# themselves, see ``Complaint.objects``); the handling inspector verifies, handles and answers.
# Schools get none: a complaint may be about them, and the sender must be safe.
_COMPLAINTS_READ = {"complaints.view_complaint"}
_COMPLAINTS_INSPECTOR = _COMPLAINTS_READ | {"complaints.handle_complaint"}
_COMPLAINTS_OFFICE = _COMPLAINTS_INSPECTOR | {
    "complaints.close_complaint", "complaints.view_complaintpolicy", "complaints.view_publication",
    "complaints.add_publication", "complaints.change_publication",
}
for _role, _extra in (
    (Role.OFFICE_ADMIN, _COMPLAINTS_OFFICE | {"complaints.add_complaintpolicy", "complaints.change_complaintpolicy"}),
    (Role.OFFICE_STAFF, _COMPLAINTS_OFFICE),
    (Role.ZONE_LEADER, _COMPLAINTS_INSPECTOR),
    (Role.INSPECTOR, _COMPLAINTS_INSPECTOR),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra

# Special campaigns (专项督导, 条例 第十三条–第二十三条): the office creates, launches and closes them
# and reads every target; inspectors and zone leaders read the campaigns of their teams and of their
# schools and record their team's result (the service checks team membership); schools read their
# own target and submit its self-check with evidence.
_CAMPAIGNS_READ = {"campaigns.view_campaign", "campaigns.view_campaigntarget", "campaigns.view_campaignevidence"}
_CAMPAIGNS_TEAM = _CAMPAIGNS_READ | {"campaigns.visit_campaigntarget", "campaigns.add_campaignevidence"}
_CAMPAIGNS_OFFICE = _CAMPAIGNS_READ | {
    "campaigns.add_campaign", "campaigns.change_campaign", "campaigns.delete_campaign",
    "campaigns.launch_campaign", "campaigns.close_campaign", "campaigns.visit_campaigntarget",
}
_CAMPAIGNS_SCHOOL = _CAMPAIGNS_READ | {"campaigns.selfcheck_campaigntarget", "campaigns.add_campaignevidence"}
for _role, _extra in (
    (Role.OFFICE_ADMIN, _CAMPAIGNS_OFFICE), (Role.OFFICE_STAFF, _CAMPAIGNS_OFFICE),
    (Role.ZONE_LEADER, _CAMPAIGNS_TEAM), (Role.INSPECTOR, _CAMPAIGNS_TEAM),
    (Role.SCHOOL_LIAISON, _CAMPAIGNS_SCHOOL), (Role.PRINCIPAL, _CAMPAIGNS_SCHOOL),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra

# Satisfaction surveys (社会满意度调查, STANDARDS §4.6): the office runs them (creates, opens, closes,
# makes single-use codes) and reads every school's results; inspectors, zone leaders, liaisons and
# principals read the results and links of their own schools once a survey is open (the school hands
# out the QR codes). Respondents are anonymous and need no account; nobody reads answer sheets.
_SURVEYS_READ = {"surveys.view_survey", "surveys.view_surveylink"}
_SURVEYS_OFFICE = _SURVEYS_READ | {"surveys.add_survey", "surveys.change_survey", "surveys.run_survey"}
for _role, _extra in (
    (Role.OFFICE_ADMIN, _SURVEYS_OFFICE), (Role.OFFICE_STAFF, _SURVEYS_OFFICE),
    (Role.ZONE_LEADER, _SURVEYS_READ), (Role.INSPECTOR, _SURVEYS_READ),
    (Role.SCHOOL_LIAISON, _SURVEYS_READ), (Role.PRINCIPAL, _SURVEYS_READ),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra

# Evaluations (督导评估, 条例 第十七条–第二十三条): the office runs them (units, raters, phases), issues
# the opinion letters (their rectification demands become notices issued by the school's responsible
# inspector, who follows them in the loop) and reads every sheet; raters (inspectors, zone leaders,
# and principals or liaisons of peer schools) score
# the units assigned to them and record site visits; a unit (a school's liaison or principal, a
# region's office for 督政) submits its self-assessment with evidence and may reply. Which sheets and
# results each one sees in each phase: ``dudao.evaluations.visibility``.
_EVALUATIONS_READ = _perms(("evaluations.evaluation", "evaluations.unit", "evaluations.evidence",
                            "evaluations.sitevisit"), (_VIEW,))
_EVALUATIONS_RATER = _EVALUATIONS_READ | {"evaluations.view_rating", "evaluations.change_rating",
                                          "evaluations.rate_evaluation", "evaluations.add_sitevisit"}
_EVALUATIONS_UNIT = _EVALUATIONS_READ | {"evaluations.change_unit", "evaluations.submit_unit",
                                         "evaluations.add_evidence"}
_EVALUATIONS_OFFICE = _EVALUATIONS_RATER | _EVALUATIONS_UNIT | _perms(
    ("evaluations.evaluation",), ("add", "change")) | {
    "evaluations.manage_evaluation",
}
for _role, _extra in (
    (Role.OFFICE_ADMIN, _EVALUATIONS_OFFICE), (Role.OFFICE_STAFF, _EVALUATIONS_OFFICE),
    (Role.ZONE_LEADER, _EVALUATIONS_RATER), (Role.INSPECTOR, _EVALUATIONS_RATER),
    (Role.SCHOOL_LIAISON, _EVALUATIONS_UNIT | _EVALUATIONS_RATER),
    (Role.PRINCIPAL, _EVALUATIONS_UNIT | _EVALUATIONS_RATER),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra

# Directives (督办事项): the office registers a directive, assigns its items to responsible units,
# urges the late ones, accepts or returns their completion, publishes the bulletin and archives it;
# a unit's liaison and principal read their items and report progress and completion on them;
# inspectors and zone leaders read the items of their schools. Scope decides which rows.
_DIRECTIVES_READ = _perms(("directives.directive", "directives.directiveitem", "directives.progressreport",
                           "directives.reportfile", "directives.urge"), (_VIEW,))
_DIRECTIVES_OFFICE = _DIRECTIVES_READ | _perms(("directives.directive", "directives.directiveitem"),
                                               ("add", "change")) | {"directives.manage_directive"}
_DIRECTIVES_UNIT = _DIRECTIVES_READ | {"directives.report_directiveitem"}
for _role, _extra in (
    (Role.OFFICE_ADMIN, _DIRECTIVES_OFFICE), (Role.OFFICE_STAFF, _DIRECTIVES_OFFICE),
    (Role.ZONE_LEADER, _DIRECTIVES_READ), (Role.INSPECTOR, _DIRECTIVES_READ),
    (Role.SCHOOL_LIAISON, _DIRECTIVES_UNIT), (Role.PRINCIPAL, _DIRECTIVES_UNIT),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra
# The contact of a responsible unit that is not a school (承办单位联络人: a bureau department, a township
# education office) reads its unit and the directives and items given to it, reports progress and
# completion on them, and reads its inbox; nothing else.
ROLE_PERMISSIONS[Role.UNIT_LIAISON] = frozenset(
    _DIRECTIVES_UNIT | {"organizations.view_department", "notifications.view_notification"})

# Thresholds and standards of the balance analysis (STANDARDS §3.5, §4.2): the office administrator sets
# them for the office (a city's or province's hold for its counties without their own); whoever reads
# the analysis may read them.
for _role in (Role.OFFICE_STAFF, Role.ZONE_LEADER, Role.INSPECTOR, Role.SCHOOL_LIAISON, Role.PRINCIPAL):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"monitoring.view_balancestandard"}
# Message channels (企业微信, 钉钉, e-mail, the office's SMS gateway): the office administrator sets the
# office's robots and defaults and reads the delivery log; everyone sets their own channels.
ROLE_PERMISSIONS[Role.OFFICE_ADMIN] = ROLE_PERMISSIONS[Role.OFFICE_ADMIN] | {
    "notifications.view_channelsettings", "notifications.change_channelsettings", "notifications.view_delivery",
}
ROLE_PERMISSIONS[Role.OFFICE_ADMIN] = ROLE_PERMISSIONS[Role.OFFICE_ADMIN] | _perms(
    ("monitoring.balancestandard",), _CRUD)


# The working-day calendar (法定节假日与调休): everyone who counts or reads a deadline in working days
# reads the days in force for their office; the office administrator enters the office's own days,
# which hold for the offices below it too.
for _role in (Role.OFFICE_STAFF, Role.ZONE_LEADER, Role.INSPECTOR):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | {"organizations.view_calendarday"}
ROLE_PERMISSIONS[Role.OFFICE_ADMIN] = ROLE_PERMISSIONS[Role.OFFICE_ADMIN] | _perms(
    ("organizations.calendarday",), _CRUD)


def permissions_for_roles(roles) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(perms)
