"""Scoped reads of special campaigns, shared by pages, API, exports, documents and work reports.

Results, the rectification list and the progress read each kind of row once for the whole
campaign (select_related / prefetch_related named), so their number of queries does not grow with
the number of schools. Scores come from ``instruments.scoring.score_tree`` over the checklist
version: yes earns an item's points, no nothing; the total is out of the list's maximum.
"""

from collections import Counter

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from dudao.campaigns.models import MIN_TEAM_SIZE, Campaign, CampaignEvidence, CampaignProblem, CampaignTarget
from dudao.inspections.models import Recheck, Rectification, RectificationResponse
from dudao.instruments.scoring import score_tree
from dudao.instruments.selectors import item_specs, version_items

CAMPAIGN_RELATED = ("office__region", "checklist__instrument", "created_by")
TARGET_RELATED = ("campaign__office__region", "campaign__checklist__instrument", "school__region", "team")

# 整改清单 progress classes (STANDARDS §7.2), derived from the notice's state and its re-checks
DONE, PARTIAL, NOT_STARTED = "done", "partial", "not_started"
PROGRESS_LABELS = {DONE: _("Rectified (整改到位)"), PARTIAL: _("Partly rectified (部分整改到位)"),
                   NOT_STARTED: _("Not started (尚未启动)")}
PROGRESS_CN = {DONE: "整改到位", PARTIAL: "部分整改到位", NOT_STARTED: "尚未启动"}


def campaign_list(*, user):
    return Campaign.objects.for_user(user, "view").select_related(*CAMPAIGN_RELATED)


def campaign_get(*, user, pk: int) -> Campaign:
    return campaign_list(user=user).get(pk=pk)


def campaign_can_change(*, user, campaign) -> bool:
    return Campaign.objects.for_user(user, "change").filter(pk=campaign.pk).exists()


def target_list(*, user, campaign=None):
    qs = CampaignTarget.objects.for_user(user, "view").select_related(*TARGET_RELATED)
    return qs.filter(campaign=campaign) if campaign is not None else qs


def target_get(*, user, pk: int) -> CampaignTarget:
    return target_list(user=user).get(pk=pk)


def evidence_list(*, user):
    return CampaignEvidence.objects.for_user(user, "view").select_related("target", "school")


def team_rows(*, campaign) -> list[dict]:
    """The campaign's teams (read through a campaign in scope) with members, targets and warnings."""
    teams = list(campaign.teams.select_related("leader").prefetch_related("members", "targets__school"))
    return [{"team": t, "members": sorted(t.members.all(), key=lambda i: i.sort_key),
             "targets": sorted(t.targets.all(), key=lambda x: x.school.sort_key),
             "small": t.members.count() < MIN_TEAM_SIZE} for t in teams]


def campaign_warnings(*, campaign) -> list[str]:
    """What the office should look at before or while the campaign runs (never blocks except teams)."""
    from django.utils.translation import gettext as gettext

    out = []
    for row in team_rows(campaign=campaign):
        if row["small"]:
            out.append(gettext("Team “{name}” has {n} inspector(s); the regulations ask for at least {min} per team "
                               "(条例 第十六条).").format(name=row["team"].name, n=len(row["members"]),
                                                     min=MIN_TEAM_SIZE))
    unassigned = campaign.targets.filter(team__isnull=True).count()  # scope: of a campaign in scope
    if unassigned:
        out.append(gettext("{n} target school(s) have no team yet.").format(n=unassigned))
    return out


def _answer_map(response) -> dict:
    if response is None:
        return {}
    return {a.item.code: a.value for a in response.answers.all()}


def _score(specs, response):
    if response is None:
        return None
    result = score_tree(specs, _answer_map(response))
    return float(result.total)


def answer_rows(*, target) -> list[dict]:
    """The checklist of the target's campaign item by item, with the self-check and team answers."""
    items = version_items(version=target.campaign.checklist)
    own = {a.item_id: a for a in target.self_check.answers.all()} if target.self_check_id else {}
    team = {a.item_id: a for a in target.team_result.answers.all()} if target.team_result_id else {}

    def show(answer):
        if answer is None:
            return None
        value = answer.value
        return {"value": value, "note": answer.note, "bad": value is False}

    return [{"item": i, "self": show(own.get(i.pk)), "team": show(team.get(i.pk))} for i in items]


def _targets_for_results(user, campaign):
    return list(
        target_list(user=user, campaign=campaign).select_related("self_check", "team_result")
        .prefetch_related(Prefetch("self_check__answers", queryset=_answers_qs()),
                          Prefetch("team_result__answers", queryset=_answers_qs()),
                          Prefetch("problems", queryset=CampaignProblem.objects.select_related("rectification")))  # scope: of targets in scope
        .order_by("school__sort_key", "pk")
    )


def _answers_qs():
    from dudao.instruments.models import Answer

    return Answer.objects.select_related("item")  # scope: answers of targets read through for_user


def campaign_results(*, user, campaign) -> list[dict]:
    """Per target school: self-check and team scores (out of ``maximum``), late flag, problems,
    notices and how many are closed, the target's state."""
    specs = item_specs(version=campaign.checklist)
    rows = []
    for t in _targets_for_results(user, campaign):
        problems = list(t.problems.all())
        notices = [p.rectification for p in problems if p.rectification_id]
        rows.append({
            "target": t, "school": t.school, "team": t.team, "status": t.status,
            "status_label": t.get_status_display(), "self_score": _score(specs, t.self_check),
            "team_score": _score(specs, t.team_result), "late": t.self_check_late,
            "self_checked_at": t.self_checked_at, "visited_on": t.visited_on,
            "problems": len(problems), "notices": len(notices),
            "notices_closed": sum(1 for n in notices if n.status == Rectification.Status.CLOSED),
            "team_summary": t.team_summary,
        })
    return rows


def checklist_maximum(*, campaign) -> float:
    return float(score_tree(item_specs(version=campaign.checklist), {}).maximum)


def progress_class(notice) -> str:
    """整改到位 when closed; 部分整改到位 while the school's report awaits the re-check or after a
    re-check found it partly done; 尚未启动 otherwise (no notice, issued, or returned as not rectified)."""
    if notice is None:
        return NOT_STARTED
    if notice.status == Rectification.Status.CLOSED:
        return DONE
    if notice.status == Rectification.Status.SUBMITTED:
        return PARTIAL
    rechecks = list(notice.rechecks.all())
    if notice.status == Rectification.Status.RETURNED and rechecks and rechecks[-1].result == Recheck.Result.PARTIAL:
        return PARTIAL
    return NOT_STARTED


def campaign_rectification_list(*, user, campaign) -> list[dict]:
    """The 问题清单/整改清单: every problem the teams found, with its school, item, the notice (number,
    requirements, deadline, state), the school's latest measures and the progress class."""
    problems = list(
        CampaignProblem.objects.filter(target__in=target_list(user=user, campaign=campaign))  # scope: targets in scope
        .select_related("target__school", "item", "rectification")
        .prefetch_related(
            Prefetch("rectification__responses", queryset=RectificationResponse.objects.order_by("submitted_at")),  # scope: of notices in scope
            Prefetch("rectification__rechecks", queryset=Recheck.objects.order_by("checked_on", "pk")),  # scope: of notices in scope
        )
        .order_by("target__school__sort_key", "pk")
    )
    rows = []
    for n, p in enumerate(problems, start=1):
        notice = p.rectification
        responses = list(notice.responses.all()) if notice else []
        progress = progress_class(notice)
        rows.append({
            "no": n, "problem": p, "school": p.target.school, "target": p.target,
            "item": f"{p.item.code} {p.item.text}" if p.item_id else "", "description": p.description,
            "severity": p.severity, "notice": notice, "number": notice.number if notice else "",
            "requirements": notice.requirements if notice else "", "deadline": notice.deadline if notice else None,
            "status_label": notice.get_status_display() if notice else "",
            "overdue": notice.is_overdue() if notice else False,
            "measures": responses[-1].measures if responses else "",
            "progress": progress, "progress_label": PROGRESS_LABELS[progress], "progress_label_cn": PROGRESS_CN[progress],
        })
    return rows


def campaign_progress(*, user, campaign) -> dict:
    """The campaign at a glance: targets notified, self-checked (late among them), visited, with
    problems, rectifying and done; problems and notices closed; each count with its share in %."""
    targets = list(target_list(user=user, campaign=campaign))
    states = Counter(t.status for t in targets)
    problems = CampaignProblem.objects.filter(target__in=[t.pk for t in targets])  # scope: targets in scope
    total = len(targets)
    counts = {
        "targets": total, "notified": total,
        "self_checked": sum(1 for t in targets if t.self_checked_at is not None),
        "late": sum(1 for t in targets if t.self_check_late),
        "visited": sum(1 for t in targets if t.visited_on is not None),
        "rectifying": states[CampaignTarget.Status.RECTIFYING],
        "done": states[CampaignTarget.Status.DONE],
        "problems": problems.count(),
        "notices": problems.filter(rectification__isnull=False).count(),
        "notices_closed": problems.filter(rectification__status=Rectification.Status.CLOSED).count(),
    }
    counts["percent"] = {k: round(100 * counts[k] / total) if total else 0
                         for k in ("notified", "self_checked", "visited", "done")}
    counts["rectified_percent"] = round(100 * counts["notices_closed"] / counts["notices"]) if counts["notices"] else 0
    return counts


def campaign_report_rows(*, user, subject, start, end) -> list[dict]:
    """The work report's 专项督导 section: campaigns of the subject's office running in the period, or
    (for an inspector or a zone) those whose targets include the subject's schools."""
    from dudao.documents.render import cn_date

    qs = campaign_list(user=user).exclude(status=Campaign.Status.DRAFT).filter(
        start_date__lte=end, end_date__gte=start)
    if subject.level != "office":
        qs = qs.filter(targets__school_id__in=list(subject.schools)).distinct()
    else:
        qs = qs.filter(office=subject.office)
    rows = []
    for campaign in qs.order_by("start_date", "pk"):
        p = campaign_progress(user=user, campaign=campaign)
        rows.append({
            "name": campaign.title, "date": f"{cn_date(campaign.start_date)}至{cn_date(campaign.end_date)}",
            "detail": (f"覆盖{p['targets']}所学校，自查{p['self_checked']}所，实地督导{p['visited']}所，"
                       f"发现问题{p['problems']}个，下发整改通知书{p['notices']}份，已销号{p['notices_closed']}份"),
        })
    return rows
