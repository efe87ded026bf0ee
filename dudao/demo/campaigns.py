"""The demo county's special campaigns, written through the campaign services.

* a finished opening-of-term campaign (开学工作专项督导) on the schools of zone 1: every school
  self-checked before the due date, every school visited by the zone's team, a few problems issued as
  rectification notices (one answered and closed after its re-check), the targets without open
  problems done, the campaign closed, its 督导通知书 and 督导报告 filed;
* a running school-safety campaign (学校安全工作专项督导) on the schools of zone 2: launched, some
  self-checks in (one late), some visits recorded, one problem waiting for its notice.

Documents are filed as Word only, so that loading the demo needs no LibreOffice run. The services
stamp a self-check with the time it is submitted; the demo dates the finished campaign's self-checks
back to before their due date, as they were in the story it tells.
"""

import datetime

from django.utils import timezone

from dudao.accounts.models import Membership, Role, User
from dudao.campaigns import services
from dudao.campaigns.models import Campaign, CampaignTarget
from dudao.inspections.services.rectifications import rectification_close, rectification_submit
from dudao.inspectors.models import Inspector, Listing
from dudao.instruments.campaign_checklists import OPENING_CODE, SAFETY_CODE
from dudao.instruments.models import Instrument, Response
from dudao.organizations.models import Zone, ZoneMembership


def _checklist(code):
    return Instrument.objects.get(office__isnull=True, code=code).latest_published()


def _yes(version, no=()) -> dict:
    return {i.code: (i.code not in no) for i in version.items.filter(response_type="yes_no")}


def _fresh(user_id):
    return User.objects.get(pk=user_id)


def _zone_schools(zone):
    return [m.school for m in ZoneMembership.objects.current().filter(zone=zone).select_related("school")
            .order_by("school__sort_key")]


def _team(office, zone_schools) -> list:
    """The inspectors listed at the zone's schools now, completed to three (条例 第十六条) with the
    office's other inspectors in service."""
    listings = Listing.objects.current().filter(school__in=zone_schools).select_related("inspector")
    team = sorted({lst.inspector for lst in listings if lst.inspector.is_active}, key=lambda i: i.pk)
    for other in Inspector.objects.filter(office=office, status=Inspector.Status.ACTIVE).order_by("pk"):
        if len(team) >= 3:
            break
        if other not in team:
            team.append(other)
    return team


def _listed_user(school):
    listing = Listing.objects.current().filter(school=school).select_related("inspector").first()
    return _fresh(listing.inspector.user_id) if listing and listing.inspector.user_id else None


def _liaison(school):
    membership = (Membership.objects.current().filter(school=school, role__in=[Role.SCHOOL_LIAISON, Role.PRINCIPAL])
                  .order_by("role", "pk").first())
    return _fresh(membership.user_id) if membership else None


def _campaign(admin, office, *, title, theme, code, start, due, end, description, zone):
    schools = _zone_schools(zone)
    campaign = services.campaign_create(
        actor=admin, office_id=office.pk, title=title, theme=theme, checklist=_checklist(code).pk, start_date=start,
        self_check_due=due, end_date=end, description=description, rule={"by": "zone", "zone": zone.pk})
    team = _team(office, schools)
    services.campaign_team_save(actor=admin, campaign_id=campaign.pk, name=f"{zone.name}督导组",
                                member_ids=[i.pk for i in team], leader_id=team[0].pk,
                                target_ids=list(campaign.targets.values_list("pk", flat=True)))
    services.campaign_launch(actor=admin, campaign_id=campaign.pk, notices=False)
    services.campaign_notices_generate(actor=admin, campaign_id=campaign.pk, pdf=False)
    return campaign


def _self_check(target, checklist, *, no=(), on=None):
    liaison = _liaison(target.school)
    if liaison is None:
        return False
    done = services.target_self_check_submit(actor=liaison, target_id=target.pk, answers=_yes(checklist, no),
                                             summary="已对照检查表逐项自查，佐证材料已归档备查。")
    if on is not None:  # the story's date, before the due date
        stamp = timezone.make_aware(datetime.datetime.combine(on, datetime.time(16, 30)))
        CampaignTarget.objects.filter(pk=target.pk).update(self_checked_at=stamp)
        Response.objects.filter(pk=done.self_check_id).update(submitted_at=stamp)
    return True


def load_demo_campaigns(*, admin, office, today: datetime.date | None = None) -> list[Campaign]:
    """Adds the two campaigns; returns them (finished, running)."""
    today = today or timezone.localdate()
    zones = list(Zone.objects.filter(office=office).order_by("pk"))

    # 1. The opening of this term, finished.
    start = today - datetime.timedelta(days=45)
    opening = _campaign(
        admin, office, title=f"{start.year}年开学工作专项督导", theme="opening", code=OPENING_CODE, start=start,
        due=start + datetime.timedelta(days=7), end=today - datetime.timedelta(days=5), zone=zones[0],
        description="全面了解各校开学准备、校园安全和规范办学情况，确保平稳有序开学。\n各校先自查，督导组再实地督导。")
    checklist = opening.checklist
    problems = {0: ("2.1", "开学前安全隐患排查无书面记录。"), 2: ("1.2", "部分年级教辅未按时到位。"),
                4: ("3.2", "2名学生未报到，未见劝返登记。")}
    targets = list(opening.targets.select_related("school").order_by("school__sort_key"))
    for n, target in enumerate(targets):
        _self_check(target, checklist, no=(problems[n][0],) if n == 4 else (), on=start + datetime.timedelta(days=3 + n % 4))
        visitor = _listed_user(target.school)
        if visitor is None:
            continue
        found = problems.get(n)
        services.target_result_record(
            actor=visitor, target_id=target.pk, answers=_yes(checklist, (found[0],) if found else ()),
            visited_on=start + datetime.timedelta(days=10 + n % 5),
            summary=found[1] if found else "开学准备充分，秩序良好。",
            problems=[{"item": found[0], "description": found[1]}] if found else [])
        if found:
            problem = target.problems.get()
            services.problem_notice_issue(actor=visitor, problem_id=problem.pk,
                                          requirements="对照问题逐项整改，整改完成后报送整改情况及佐证材料。")
            problem.refresh_from_db()
            liaison = _liaison(target.school)
            if n == 0 and liaison is not None:  # answered and closed after its re-check
                rectification_submit(actor=liaison, rectification_id=problem.rectification_id,
                                     measures="已完成全面排查，建立隐患排查台账并张贴公示。")
                rectification_close(actor=visitor, rectification_id=problem.rectification_id, remarks="复查属实，予以销号。")
                services.target_complete(actor=visitor, target_id=target.pk)
        else:
            services.target_complete(actor=visitor, target_id=target.pk)
    services.campaign_close(actor=admin, campaign_id=opening.pk, reason="专项督导按期结束，转入整改跟踪。")
    services.campaign_report_generate(actor=admin, campaign_id=opening.pk, pdf=False)

    # 2. School safety, running now.
    safety = _campaign(
        admin, office, title=f"{today.year}年学校安全工作专项督导", theme="safety", code=SAFETY_CODE,
        start=today - datetime.timedelta(days=10), due=today - datetime.timedelta(days=2),
        end=today + datetime.timedelta(days=25), zone=zones[1 % len(zones)],
        description="重点检查安全管理制度、校园安全防范、食品安全、防溺水和校车管理。")
    checklist = safety.checklist
    targets = list(safety.targets.select_related("school").order_by("school__sort_key"))
    for n, target in enumerate(targets[: max(len(targets) * 2 // 3, 1)]):
        on = today - datetime.timedelta(days=6 - n % 3) if n else None  # the first one arrives late, today
        _self_check(target, checklist, no=("2.2",) if n % 3 == 1 else (), on=on)
    for n, target in enumerate(targets[:3]):
        visitor = _listed_user(target.school)
        if visitor is None:
            continue
        found = n == 1
        services.target_result_record(
            actor=visitor, target_id=target.pk, answers=_yes(checklist, ("2.2",) if found else ()),
            visited_on=today - datetime.timedelta(days=1), summary="视频监控存在盲区。" if found else "安全工作制度健全。",
            problems=[{"item": "2.2", "description": "校门口及操场视频监控存在盲区。"}] if found else [])
    return [opening, safety]
