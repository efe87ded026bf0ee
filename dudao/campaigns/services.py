"""Writes of special campaigns (专项督导): the office's campaign, its targets and teams, launch and
close; the school's self-check; the team's result; problems into rectification notices.

The chain follows 《教育督导条例》 (STANDARDS §5.2): matters fixed in advance and a team of 3 or more
inspectors (第十六条: fewer is *warned*, never blocked — a small county may not have more), written
notice to each school (第十七条, the ``campaign_notice`` document, one per school, generated in a
background job at launch), the school's self-check (第十八条), the team's site visit on the same
checklist, problems issued as rectification notices through the monthly loop's own services
(``finding_record`` + ``rectification_issue``, 第二十一条–第二十二条), and the report (第二十三条).

States move only through ``Campaign.TRANSITIONS`` and ``CampaignTarget.TRANSITIONS``: a wrong state
raises ``TransitionNotAllowed`` (409), a missing capability ``PermissionDenied`` (403), a row outside
the actor's scope ``DoesNotExist`` (404). Each service is atomic, audited, and notifies after commit.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.accounts.access import schools_of
from dudao.accounts.recipients import office_people, school_contacts
from dudao.audit.services import diff, record, snapshot
from dudao.campaigns import documents as contexts
from dudao.campaigns.models import (
    MIN_TEAM_SIZE,
    Campaign,
    CampaignEvidence,
    CampaignProblem,
    CampaignTarget,
    CampaignTeam,
    Theme,
)
from dudao.core.choices import as_date
from dudao.core.files import store_file, validate_upload
from dudao.core.workflow import TransitionNotAllowed, apply_transition
from dudao.documents.services import document_generate, documents_generate_many
from dudao.inspections.models import Rectification, Severity
from dudao.inspections.services.findings import finding_record
from dudao.inspections.services.rectifications import rectification_issue
from dudao.inspectors.models import Inspector
from dudao.instruments.models import Answer, Instrument, InstrumentVersion, Item, Response
from dudao.instruments.scoring import SCORED_TYPES, validate_answers
from dudao.instruments.selectors import item_specs, version_items
from dudao.jobs.services import JobFailed, job_start
from dudao.notifications.services import notify
from dudao.organizations.models import Office, School, ZoneMembership
from dudao.organizations.selectors import office_of_school

CAMPAIGN_FIELDS = ("title", "theme", "description", "checklist", "start_date", "self_check_due", "end_date")
RULES = ("region", "zone", "kind", "schools")
TEXT_LIMIT = 5000
YES = {"yes", "true", "1", "是", True}
NO = {"no", "false", "0", "否", False}
NOTICES_JOB = "campaigns.notices"


# ---- reading for a write ---------------------------------------------------------------------------

def _campaign_for_change(actor, campaign_id: int) -> Campaign:
    campaign = (Campaign.objects.for_user(actor, "view").select_for_update(of=("self",))
                .select_related("office__region", "checklist__instrument").get(pk=campaign_id))
    if not Campaign.objects.for_user(actor, "change").filter(pk=campaign.pk).exists():
        raise PermissionDenied
    return campaign


def _draft(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise TransitionNotAllowed(_("Only a draft campaign can change its targets or its checklist."))


def _running(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.LAUNCHED:
        raise TransitionNotAllowed(_("The campaign is not running (it is a draft or closed)."))


def _target_locked(actor, target_id: int) -> CampaignTarget:
    return (CampaignTarget.objects.for_user(actor, "view").select_for_update(of=("self",))
            .select_related("campaign__office__region", "campaign__checklist", "school__region", "team")
            .get(pk=target_id))


def _is_team_member(actor, target: CampaignTarget) -> bool:
    return target.team_id is not None and target.team.members.filter(user=actor).exists()


def _is_office(actor, campaign: Campaign) -> bool:
    return Campaign.objects.for_user(actor, "change").filter(pk=campaign.pk).exists()


def _users(ids) -> list:
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("pk"))


def _team_users(team_ids) -> list:
    ids = Inspector.objects.filter(campaign_teams__in=list(team_ids), user__isnull=False).values_list("user_id", flat=True)
    return _users(ids)


# ---- campaign -----------------------------------------------------------------------------------------

def _checklist(actor, checklist_id) -> InstrumentVersion:
    version = (InstrumentVersion.objects.for_user(actor, "view").select_related("instrument")
               .filter(pk=checklist_id, status=InstrumentVersion.Status.PUBLISHED,
                       instrument__kind=Instrument.Kind.CHECKLIST).first())
    if version is None:
        raise ValidationError({"checklist": [_("Choose a published checklist.")]})
    return version


def _clean_campaign(data: dict, *, actor) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    out["title"] = (out.get("title") or "").strip()
    if not out["title"]:
        errors["title"] = [_("Give the campaign a title.")]
    if out.get("theme") not in Theme.values:
        errors["theme"] = [_("Choose a theme.")]
    out["description"] = (out.get("description") or "").strip()
    for name in ("start_date", "self_check_due", "end_date"):
        value = as_date(out.get(name))
        if value is None:
            errors[name] = [_("Enter a date.")]
        out[name] = value
    if not errors and not (out["start_date"] <= out["self_check_due"] <= out["end_date"]):
        errors["self_check_due"] = [_("The self-check is due between the start and the end of the campaign.")]
    try:
        out["checklist"] = _checklist(actor, getattr(out.get("checklist"), "pk", out.get("checklist")))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def campaign_create(*, actor, office_id: int, title: str, theme: str, checklist, start_date, self_check_due,
                    end_date, description: str = "", rule: dict | None = None) -> Campaign:
    """Creates a draft campaign of ``office_id`` (an office in the actor's change scope) and, with
    ``rule``, snapshots its target list (see ``campaign_targets_set``)."""
    if not actor.has_perm("campaigns.add_campaign"):
        raise PermissionDenied
    office = Office.objects.for_user(actor, "view").select_related("region").get(pk=office_id)
    data = _clean_campaign({"title": title, "theme": theme, "checklist": checklist, "start_date": start_date,
                            "self_check_due": self_check_due, "end_date": end_date, "description": description},
                           actor=actor)
    campaign = Campaign.objects.create(office=office, created_by=actor, **data)
    if not _is_office(actor, campaign):
        raise PermissionDenied  # an office outside the actor's change scope: rolled back
    record(actor=actor, action="campaigns.campaign.create", target=campaign,
           changes=diff({}, snapshot(campaign, fields=CAMPAIGN_FIELDS)))
    if rule:
        campaign_targets_set(actor=actor, campaign_id=campaign.pk, rule=rule)
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign_id: int, reason: str = "", **fields) -> Campaign:
    """Changes a draft campaign's title, theme, checklist, dates or requirements."""
    campaign = _campaign_for_change(actor, campaign_id)
    _draft(campaign)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: {fields}.").format(fields=", ".join(sorted(unknown))))
    before = snapshot(campaign, fields=CAMPAIGN_FIELDS)
    current = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    data = _clean_campaign({**current, **fields}, actor=actor)
    for name, value in data.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=[*CAMPAIGN_FIELDS, "updated_at"])
    changes = diff(before, snapshot(campaign, fields=CAMPAIGN_FIELDS))
    if changes:
        record(actor=actor, action="campaigns.campaign.update", target=campaign, changes=changes, reason=reason)
    return campaign


def schools_by_rule(*, actor, campaign: Campaign, rule: dict) -> list[School]:
    """The active schools a target rule names, within the campaign office's region and the actor's scope.

    ``rule`` is ``{"by": "region", "region": id}`` (a region and everything under it), ``{"by": "zone",
    "zone": id}`` (the zone's schools now), ``{"by": "kind", "kinds": [...]}`` (every school of those
    kinds in the office's region) or ``{"by": "schools", "schools": [ids]}`` (picked). ``kinds`` may
    also narrow a region or zone rule (e.g. the kindergartens of one township).
    """
    by = (rule or {}).get("by")
    if by not in RULES:
        raise ValidationError({"rule": [_("Choose how the target schools are chosen.")]})
    schools = (School.objects.for_user(actor, "view").filter(is_active=True)
               .filter(region__path__startswith=campaign.office.region.path).select_related("region"))
    kinds = [k for k in (rule.get("kinds") or []) if k]
    if set(kinds) - set(School.Kind.values):
        raise ValidationError({"kinds": [_("Unknown school kind.")]})
    if by == "region":
        from dudao.organizations.models import Region

        region = Region.objects.for_user(actor, "view").filter(pk=rule.get("region")).first()
        if region is None:
            raise ValidationError({"region": [_("Choose a region.")]})
        schools = schools.filter(region__path__startswith=region.path)
    elif by == "zone":
        zone_schools = ZoneMembership.objects.current().filter(zone_id=rule.get("zone"),
                                                               zone__office=campaign.office).values("school_id")
        schools = schools.filter(pk__in=zone_schools)
    elif by == "kind" and not kinds:
        raise ValidationError({"kinds": [_("Choose at least one school kind.")]})
    elif by == "schools":
        ids = [int(i) for i in rule.get("schools") or []]
        schools = schools.filter(pk__in=ids)
        if len(set(ids)) != schools.count():
            raise ValidationError({"schools": [_("Some schools are not in the office's region or your scope.")]})
    if kinds:
        schools = schools.filter(kind__in=kinds)
    found = list(schools.order_by("sort_key", "code"))
    if not found:
        raise ValidationError({"rule": [_("The rule names no school.")]})
    return found


@transaction.atomic
def campaign_targets_set(*, actor, campaign_id: int, rule: dict, reason: str = "") -> list[CampaignTarget]:
    """Snapshots the target list of a draft campaign from ``rule`` (see ``schools_by_rule``): schools
    added get a target, schools no longer named lose theirs (with its team assignment)."""
    campaign = _campaign_for_change(actor, campaign_id)
    _draft(campaign)
    schools = schools_by_rule(actor=actor, campaign=campaign, rule=rule)
    wanted = {s.pk for s in schools}
    existing = set(campaign.targets.values_list("school_id", flat=True))
    campaign.targets.exclude(school_id__in=wanted).delete()
    CampaignTarget.objects.bulk_create([CampaignTarget(campaign=campaign, school=s) for s in schools
                                        if s.pk not in existing])
    old_rule = campaign.target_rule
    campaign.target_rule = {k: v for k, v in rule.items() if k in ("by", "region", "zone", "kinds", "schools")}
    campaign.save(update_fields=["target_rule", "updated_at"])
    record(actor=actor, action="campaigns.campaign.targets", target=campaign, reason=reason, changes={
        "target_rule": [old_rule, campaign.target_rule], "targets": [len(existing), len(wanted)]})
    return list(campaign.targets.select_related("school").order_by("school__sort_key"))


@transaction.atomic
def campaign_team_save(*, actor, campaign_id: int, name: str, member_ids, leader_id: int | None = None,
                       target_ids=None, team_id: int | None = None) -> tuple[CampaignTeam, list[str]]:
    """Creates or changes a team (督导组) of a draft or running campaign: its inspectors (of the
    campaign's office, in service), its leader (one of them) and, with ``target_ids``, the targets
    it visits. Returns the team and warnings: 条例 第十六条 asks for 3 or more inspectors per team;
    fewer is allowed and warned about."""
    campaign = _campaign_for_change(actor, campaign_id)
    if campaign.status == Campaign.Status.CLOSED:
        raise TransitionNotAllowed(_("The campaign is closed."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the team a name.")]})
    ids = sorted({int(i) for i in member_ids or []})
    members = list(Inspector.objects.for_user(actor, "view").filter(
        pk__in=ids, office=campaign.office, status=Inspector.Status.ACTIVE))
    if not members or len(members) != len(ids):
        raise ValidationError({"members": [_("Choose inspectors in service of the campaign's office.")]})
    if leader_id and int(leader_id) not in ids:
        raise ValidationError({"leader": [_("The leader must be one of the team's members.")]})
    if campaign.teams.filter(name=name).exclude(pk=team_id).exists():
        raise ValidationError({"name": [_("Another team of this campaign has this name.")]})
    creating = team_id is None
    team = CampaignTeam(campaign=campaign) if creating else campaign.teams.select_for_update().get(pk=team_id)
    before = {} if creating else {"name": team.name, "leader": team.leader_id,
                                  "members": sorted(team.members.values_list("pk", flat=True))}
    team.name = name
    team.leader_id = int(leader_id) if leader_id else None
    team.save()
    team.members.set(members)
    changes = diff(before, {"name": team.name, "leader": team.leader_id, "members": ids})
    if target_ids is not None:
        wanted = {int(i) for i in target_ids}
        targets = campaign.targets.filter(pk__in=wanted)
        if targets.count() != len(wanted):
            raise ValidationError({"targets": [_("Choose targets of this campaign.")]})
        campaign.targets.filter(team=team).exclude(pk__in=wanted).update(team=None)
        targets.update(team=team)
        changes["targets"] = [None, sorted(wanted)]
    record(actor=actor, action=f"campaigns.team.{'create' if creating else 'update'}", target=team, changes=changes)
    return team, team_warnings(team, size=len(members))


def team_warnings(team: CampaignTeam, size: int | None = None) -> list[str]:
    size = team.members.count() if size is None else size
    if size < MIN_TEAM_SIZE:
        return [_("Team “{name}” has {n} inspector(s); the regulations ask for at least {min} per team "
                  "(条例 第十六条).").format(name=team.name, n=size, min=MIN_TEAM_SIZE)]
    return []


@transaction.atomic
def campaign_launch(*, actor, campaign_id: int, reason: str = "", notices: bool = True, pdf: bool = True
                    ) -> Campaign:
    """Launches a draft campaign: every target must have a team (small teams are warned about on the
    page, not refused). The schools' liaisons and principals and the teams' inspectors are told after
    commit, and a background job files the 督导通知书 of every target (``notices=False`` leaves that to
    the caller, e.g. the demo, which files them as Word only)."""
    campaign = _campaign_for_change(actor, campaign_id)
    change = apply_transition(campaign, "launch", actor=actor)  # 409 / 403 before the content checks
    targets = list(campaign.targets.all())
    if not targets:
        raise ValidationError(_("Choose the target schools before launching."))
    unassigned = [t for t in targets if t.team_id is None]
    if unassigned:
        raise ValidationError(_("Assign every target school to a team before launching ({n} without a team).").format(
            n=len(unassigned)))
    campaign.launched_at = timezone.now()
    campaign.save(update_fields=["launched_at", "updated_at"])
    record(actor=actor, action="campaigns.campaign.launch", target=campaign, changes=change, reason=reason)
    school_ids = [t.school_id for t in targets]
    team_ids = set(campaign.teams.values_list("pk", flat=True))
    title = _("Special campaign: {title}").format(title=campaign.title)

    def tell():
        contacts = {u.pk: u for sid in school_ids for u in school_contacts(sid)}
        notify(recipients=list(contacts.values()), title=title,
               body=_("Submit your school's self-check by {date}.").format(date=campaign.self_check_due),
               url=campaign.get_absolute_url())
        notify(recipients=_team_users(team_ids), title=title,
               body=_("You are on a team of this campaign."), url=campaign.get_absolute_url())

    transaction.on_commit(tell)
    if notices:
        job_start(actor=actor, kind=NOTICES_JOB, title=_("Supervision notices of {title}").format(title=campaign.title),
                  params={"campaign": campaign.pk, "pdf": pdf})
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign_id: int, reason: str = "") -> Campaign:
    """Closes a running campaign: no more self-checks or team results; open notices stay in the loop."""
    campaign = _campaign_for_change(actor, campaign_id)
    change = apply_transition(campaign, "close", actor=actor)
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at", "updated_at"])
    record(actor=actor, action="campaigns.campaign.close", target=campaign, changes=change, reason=reason)
    return campaign


CAMPAIGN_TRANSITION_SERVICES = {"launch": campaign_launch, "close": campaign_close}


# ---- documents -----------------------------------------------------------------------------------------

def _answerable(version) -> list[Item]:
    return [i for i in version_items(version=version) if not i.is_section]


def campaign_notices_generate(*, actor, campaign_id: int, pdf: bool = True, progress=None) -> list:
    """Files the 督导通知书 of every target of a launched campaign (numbered, one per school, the
    school's users see theirs in the archive); a second run returns the documents on file."""
    campaign = Campaign.objects.for_user(actor, "view").select_related(
        "office__region", "checklist__instrument").get(pk=campaign_id)
    if not _is_office(actor, campaign) or not actor.has_perm("documents.add_document"):
        raise PermissionDenied
    if campaign.status == Campaign.Status.DRAFT:
        raise TransitionNotAllowed(_("The notices are sent when the campaign is launched."))
    items = _answerable(campaign.checklist)
    targets = list(campaign.targets.select_related("school", "team__leader").prefetch_related("team__members")
                   .order_by("school__sort_key", "pk"))
    date = timezone.localtime(campaign.launched_at).date() if campaign.launched_at else timezone.localdate()
    return documents_generate_many(actor=actor, pdf=pdf, progress=progress, items=[{
        "kind": "campaign_notice", "office": campaign.office, "school": t.school, "subject": t, "date": date,
        "title": f"督导通知书 {campaign.title} {t.school.name}",
        "context": contexts.notice_context(t, items=items, date=date),
    } for t in targets])


def run_notices_job(job, progress) -> None:
    """The job started at launch: the notices of every target (Word and, unless asked not to, PDF)."""
    user = get_user_model().objects.get(pk=job.created_by_id)  # scope: the job's owner, whose scope applies
    try:
        documents = campaign_notices_generate(actor=user, campaign_id=job.params["campaign"],
                                              pdf=job.params.get("pdf", True), progress=progress)
    except (Campaign.DoesNotExist, PermissionDenied):
        raise JobFailed(_("The campaign is not yours to send notices for."))
    job.message = _("{count} supervision notices filed.").format(count=len(documents))
    job.save(update_fields=["message"])


def campaign_report_generate(*, actor, campaign_id: int, pdf: bool = True):
    """Drafts the campaign's 督导报告 from its records (results, rectification list, a chart)."""
    from dudao.campaigns import charts, selectors

    campaign = selectors.campaign_get(user=actor, pk=campaign_id)
    if not _is_office(actor, campaign) or not actor.has_perm("documents.add_document"):
        raise PermissionDenied
    if campaign.status == Campaign.Status.DRAFT:
        raise TransitionNotAllowed(_("A draft campaign has no results to report."))
    progress = selectors.campaign_progress(user=actor, campaign=campaign)
    results = selectors.campaign_results(user=actor, campaign=campaign)
    problems = selectors.campaign_rectification_list(user=actor, campaign=campaign)
    date = timezone.localdate()
    context = contexts.report_context(campaign, progress=progress, results=results, problems=problems,
                                      chart_png=charts.progress_chart(progress), date=date)
    return document_generate(actor=actor, kind="campaign_report", context=context, office=campaign.office,
                             title=f"督导报告 {campaign.title}", date=date, subject=campaign, pdf=pdf)


# ---- answers and evidence ------------------------------------------------------------------------------

def _value(item: Item, value):
    """A form or JSON value as the instruments engine stores it (yes/no as booleans, numbers as floats)."""
    if value is None or value == "" or value == []:
        return None
    if item.response_type == Item.ResponseType.YES_NO:
        normal = value.lower() if isinstance(value, str) else value
        return True if normal in YES else False if normal in NO else value
    if item.response_type in (Item.ResponseType.SCORE, Item.ResponseType.NUMBER) and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if item.response_type == Item.ResponseType.TEXT and isinstance(value, str):
        return value.strip()[:TEXT_LIMIT] or None
    return value


def _clean_answers(version, answers) -> list[tuple[Item, object, str]]:
    """``{code: value or {"value", "note"}}`` validated against the checklist version: every scored
    item must be answered (a self-check and a team result go through the whole list)."""
    items = _answerable(version)
    by_code = {i.code: i for i in items}
    given = {str(k): (v if isinstance(v, dict) else {"value": v}) for k, v in (answers or {}).items()}
    values, notes = {}, {}
    for code, entry in given.items():
        item = by_code.get(code)
        if item is None:
            values[code] = entry.get("value")
            continue
        values[code] = _value(item, entry.get("value"))
        notes[code] = str(entry.get("note") or "").strip()[:TEXT_LIMIT]
    specs = {s.code: s for s in item_specs(version=version)}
    errors = validate_answers(list(specs.values()), {k: v for k, v in values.items() if v is not None})
    for item in items:
        if item.response_type in SCORED_TYPES and values.get(item.code) is None:
            errors.setdefault(item.code, []).append(_("An answer is required."))
    if errors:
        raise ValidationError({"answers": [_("Item {code}: {error}").format(code=code, error=" ".join(map(str, msgs)))
                                           for code, msgs in errors.items()]})
    return [(item, values.get(item.code), notes.get(item.code, "")) for item in items
            if values.get(item.code) is not None or notes.get(item.code)]


def _response(actor, version, school, answers) -> Response:
    response = Response.objects.create(version=version, school=school, region_path=school.region.path,
                                       respondent=actor, submitted_at=timezone.now())
    Answer.objects.bulk_create([Answer(response=response, item=item, value=value, note=note)
                                for item, value, note in answers])
    return response


def _check_files(files) -> list:
    return [(uploaded, validate_upload(uploaded, CampaignEvidence)) for uploaded in files or ()]


def _store(actor, target, stage, checked) -> list[CampaignEvidence]:
    out = []
    for uploaded, facts in checked:
        evidence = store_file(CampaignEvidence, uploaded, user=actor, checked=facts, target=target, school=target.school,
                              stage=stage)
        record(actor=actor, action="campaigns.evidence.add", target=evidence,
               changes={"file": [None, facts.name], "sha256": [None, facts.sha256], "size": [None, facts.size]})
        out.append(evidence)
    return out


# ---- the school's self-check ------------------------------------------------------------------------

@transaction.atomic
def target_self_check_submit(*, actor, target_id: int, answers, summary: str = "", files=()) -> CampaignTarget:
    """The school submits its self-check (自查, 条例 第十八条) on the campaign's checklist, with a short
    report and evidence files. Only the school's own users (liaison, principal) may; after the due date
    it is still taken and shown as late. The team and the office are told."""
    target = _target_locked(actor, target_id)
    _running(target.campaign)
    if not actor.has_perm("campaigns.selfcheck_campaigntarget") or target.school_id not in schools_of(actor):
        raise PermissionDenied
    clean = _clean_answers(target.campaign.checklist, answers)
    checked = _check_files(files)
    change = apply_transition(target, "self_check", actor=actor)
    target.self_check = _response(actor, target.campaign.checklist, target.school, clean)
    target.self_check_summary = (summary or "").strip()[:TEXT_LIMIT]
    target.self_checked_at = timezone.now()
    target.save(update_fields=["self_check", "self_check_summary", "self_checked_at", "updated_at"])
    _store(actor, target, CampaignEvidence.Stage.SELF_CHECK, checked)
    change["late"] = [None, target.self_check_late]
    record(actor=actor, action="campaigns.target.self_check", target=target, changes=change)
    team_id, school = target.team_id, target.school
    transaction.on_commit(lambda: notify(
        recipients=_team_users([team_id]) + office_people(office_of_school(school)),
        title=_("Self-check submitted: {school}").format(school=school.name),
        body=target.campaign.title, url=target.get_absolute_url()))
    return target


# ---- the team's result --------------------------------------------------------------------------------

def _clean_problems(version, problems) -> list[dict]:
    items = {i.code: i for i in _answerable(version)}
    out, errors = [], []
    for n, row in enumerate(problems or [], start=1):
        description = str(row.get("description") or "").strip()
        if not description:
            continue
        code = str(row.get("item") or "").strip()
        if code and code not in items:
            errors.append(_("Problem {n}: item {code} is not on the checklist.").format(n=n, code=code))
        severity = row.get("severity") or Severity.GENERAL
        if severity not in Severity.values:
            errors.append(_("Problem {n}: choose a severity.").format(n=n))
        out.append({"description": description[:TEXT_LIMIT], "item": items.get(code), "severity": severity})
    if errors:
        raise ValidationError({"problems": errors})
    return out


@transaction.atomic
def target_result_record(*, actor, target_id: int, answers, summary: str = "", visited_on=None, problems=(),
                         files=()) -> CampaignTarget:
    """A member of the target's team records the team's site-visit result on the same checklist, the
    problems found (each may then become a rectification notice) and evidence files. The school and
    the office are told."""
    target = _target_locked(actor, target_id)
    _running(target.campaign)
    if not actor.has_perm("campaigns.visit_campaigntarget") or not _is_team_member(actor, target):
        raise PermissionDenied
    visited_on = visited_on or timezone.localdate()
    if isinstance(visited_on, str):
        visited_on = datetime.date.fromisoformat(visited_on)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": [_("The date cannot be in the future.")]})
    clean = _clean_answers(target.campaign.checklist, answers)
    clean_problems = _clean_problems(target.campaign.checklist, problems)
    checked = _check_files(files)
    change = apply_transition(target, "visit", actor=actor)
    target.team_result = _response(actor, target.campaign.checklist, target.school, clean)
    target.team_summary = (summary or "").strip()[:TEXT_LIMIT]
    target.visited_on = visited_on
    target.save(update_fields=["team_result", "team_summary", "visited_on", "updated_at"])
    CampaignProblem.objects.bulk_create([CampaignProblem(target=target, recorded_by=actor, **p) for p in clean_problems])
    _store(actor, target, CampaignEvidence.Stage.TEAM, checked)
    record(actor=actor, action="campaigns.target.visit", target=target,
           changes={**change, "visited_on": [None, visited_on], "problems": [None, len(clean_problems)]})
    school = target.school
    transaction.on_commit(lambda: notify(
        recipients=school_contacts(school.pk) + office_people(office_of_school(school)),
        title=_("Team result recorded: {school}").format(school=school.name),
        body=target.campaign.title, url=target.get_absolute_url()))
    return target


@transaction.atomic
def problem_notice_issue(*, actor, problem_id: int, requirements: str, deadline=None) -> CampaignProblem:
    """Turns a problem of a team result into a rectification notice through the monthly loop
    (``finding_record`` then ``rectification_issue``), linked to the problem and its target, which
    moves to *rectifying*. The loop's rules apply: the issuer is a team member who may record findings
    and issue notices at the school (its listed inspector or zone leader)."""
    problem = (CampaignProblem.objects.select_for_update(of=("self",)).select_related("target", "item")
               .filter(target__in=CampaignTarget.objects.for_user(actor, "view")).get(pk=problem_id))
    target = _target_locked(actor, problem.target_id)
    if target.campaign.status == Campaign.Status.CLOSED:
        raise TransitionNotAllowed(_("The campaign is closed."))
    if problem.rectification_id is not None:
        raise TransitionNotAllowed(_("This problem already has a rectification notice."))
    if target.status not in (CampaignTarget.Status.VISITED, CampaignTarget.Status.RECTIFYING):
        raise TransitionNotAllowed(_("Record the team's result first."))
    if not (_is_team_member(actor, target) or _is_office(actor, target.campaign)):
        raise PermissionDenied
    if not (actor.has_perm("inspections.add_finding") and actor.has_perm("inspections.add_rectification")
            and School.objects.for_user(actor, "view").filter(pk=target.school_id).exists()):
        raise ValidationError(_("Only the school's listed inspector or its zone leader can issue the notice."))
    finding = problem.finding or finding_record(
        actor=actor, school_id=target.school_id, description=problem.description,
        item_id=problem.item_id, severity=problem.severity, found_on=target.visited_on)
    notice = rectification_issue(actor=actor, finding_id=finding.pk, requirements=requirements, deadline=deadline)
    problem.finding, problem.rectification = finding, notice
    problem.save(update_fields=["finding", "rectification"])
    change = {"rectification": [None, notice.pk]}
    if target.status == CampaignTarget.Status.VISITED:
        change.update(apply_transition(target, "rectify", actor=actor))
    record(actor=actor, action="campaigns.target.notice", target=target, changes=change)
    return problem


@transaction.atomic
def target_complete(*, actor, target_id: int, reason: str = "") -> CampaignTarget:
    """Marks a visited target done: every problem's notice closed after its re-check (销号)."""
    target = _target_locked(actor, target_id)
    if not (_is_team_member(actor, target) or _is_office(actor, target.campaign)):
        raise PermissionDenied
    open_problems = target.problems.filter(Q(rectification__isnull=True)
                                           | ~Q(rectification__status=Rectification.Status.CLOSED)).count()
    if open_problems:
        raise ValidationError(_("{n} problem(s) are not rectified and closed yet.").format(n=open_problems))
    change = apply_transition(target, "complete", actor=actor)
    target.completed_on = timezone.localdate()
    target.save(update_fields=["completed_on", "updated_at"])
    record(actor=actor, action="campaigns.target.complete", target=target, changes=change, reason=reason)
    return target


TARGET_TRANSITION_SERVICES = {"complete": target_complete}
