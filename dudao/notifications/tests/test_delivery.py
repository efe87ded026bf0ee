"""``notify`` queues a delivery per channel chosen for the message's kind; the background task sends
them through real local servers, retries, and writes the delivery log; the digest bundles the
low-priority kinds of those who asked for it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dudao.audit.models import AuditEvent
from dudao.core.testing.world import fresh, world_rolled_back
from dudao.notifications import services
from dudao.notifications.models import Delivery, Kind, Notification, Preference
from dudao.notifications.tests.servers import HTTPServer, SMTPServer, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_rolled_back(django_db_blocker) as world:
        yield world


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        yield server


@pytest.fixture
def http():
    with HTTPServer() as server:
        yield server


def configure(world, http, **extra):
    admin = fresh(world.a.users["office_admin"])
    return services.channel_settings_set(
        actor=admin, office_id=world.a.office.pk, wecom_url=http.url("/wecom?key=WECOM-KEY-1234"),
        dingtalk_url=http.url("/ding?access_token=DING-TOKEN"), dingtalk_secret="SEC-DING-SECRET-0001",
        webhook_url=http.url("/sms"), webhook_secret="GW-SHARED-SECRET", **extra)


def send(user, kind, capture, title="整改通知：请按期整改"):
    with capture(execute=True):
        return services.notify(recipients=[user], title=title, body="正文", url="/inspections/1/", kind=kind)


def test_a_person_gets_each_chosen_channel_and_the_inbox_everything(world, http, smtp, immediate,
                                                                     django_capture_on_commit_callbacks):
    configure(world, http)
    liaison = fresh(world.a.users["school_liaison"])
    liaison.email = "liaison@school.example"
    liaison.save(update_fields=["email"])
    services.preference_set(actor=liaison, channels={Kind.NEW_NOTICE: ["email", "wecom", "dingtalk", "webhook"],
                                                     Kind.OVERDUE: []})
    (n,) = send(liaison, Kind.NEW_NOTICE, django_capture_on_commit_callbacks)
    log = {d.channel: d for d in Delivery.objects.filter(notification=n)}
    assert set(log) == {"email", "wecom", "dingtalk", "webhook"}
    assert all(d.status == Delivery.Status.SENT and d.attempts == 1 and d.sent_at for d in log.values())
    assert [to for to, _ in smtp.messages] == [["liaison@school.example"]]
    assert sorted(r.path for r in http.requests) == ["/ding", "/sms", "/wecom"]
    # a kind the person turned off reaches the inbox only
    (m,) = send(liaison, Kind.OVERDUE, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(pk=m.pk).exists() and not Delivery.objects.filter(notification=m).exists()


def test_office_defaults_apply_to_a_person_without_a_choice(world, http, immediate, django_capture_on_commit_callbacks):
    configure(world, http, defaults={Kind.OVERDUE: ["wecom"]})
    leader = fresh(world.a.users["zone_leader"])
    (n,) = send(leader, Kind.OVERDUE, django_capture_on_commit_callbacks)
    assert list(Delivery.objects.filter(notification=n).values_list("channel", "status")) == [("wecom", "sent")]
    (m,) = send(leader, Kind.NEW_NOTICE, django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(notification=m).exists()
    # e-mail is never queued for someone without an address
    services.preference_set(actor=fresh(world.a.users["zone_leader"]), channels={Kind.OTHER: []})
    assert not fresh(world.a.users["zone_leader"]).email


@pytest.mark.parametrize("broken", ["500", "closed"])
def test_a_failing_channel_is_tried_three_times_then_logged_failed(world, http, immediate, broken,
                                                                   django_capture_on_commit_callbacks):
    configure(world, http, defaults={Kind.NEW_NOTICE: ["webhook"]})
    if broken == "500":
        http.status = 500
    else:
        admin = fresh(world.a.users["office_admin"])
        services.channel_settings_set(actor=admin, office_id=world.a.office.pk,
                                      webhook_url=f"http://127.0.0.1:{free_port()}/sms?token=URL-TOKEN")
    inspector = fresh(world.a.users["inspector"])
    (n,) = send(inspector, Kind.NEW_NOTICE, django_capture_on_commit_callbacks)
    (d,) = Delivery.objects.filter(notification=n)
    assert d.status == Delivery.Status.FAILED and d.attempts == Delivery.MAX_ATTEMPTS and d.sent_at is None
    if broken == "500":
        assert len(http.requests) == 3 and d.last_error == "HTTP 500"
    else:
        assert d.last_error.startswith("connection failed") and "TOKEN" not in d.last_error
    assert "GW-SHARED-SECRET" not in d.last_error


def test_a_failure_while_queueing_never_reaches_the_caller(world, http, monkeypatch, django_capture_on_commit_callbacks):
    configure(world, http, defaults={Kind.NEW_NOTICE: ["wecom"]})

    def broken(*args):
        raise RuntimeError("queue down")

    monkeypatch.setattr(services, "_queue_deliveries", broken)
    (n,) = send(fresh(world.a.users["inspector"]), Kind.NEW_NOTICE, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(pk=n.pk).exists()


def test_the_database_queue_defers_the_next_try(world, http, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    configure(world, http, defaults={Kind.NEW_NOTICE: ["webhook"]})
    http.status = 500
    (n,) = send(fresh(world.a.users["inspector"]), Kind.NEW_NOTICE, django_capture_on_commit_callbacks)
    (d,) = Delivery.objects.filter(notification=n)
    queued = DBTaskResult.objects.filter(task_path="dudao.notifications.services.deliver", args_kwargs__args=[d.pk])
    assert queued.count() == 1  # the first try, due at once
    services.deliver.call(d.pk)  # the worker's first try
    d.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == (Delivery.Status.QUEUED, 1, "HTTP 500")
    assert queued.count() == 2
    later = queued.order_by("run_after").first()  # "at once" is stored as the far future's sentinel
    assert (later.run_after - d.updated_at).total_seconds() >= services.RETRY_SECONDS[0] - 1


def test_settings_are_audited_without_secret_values(world, http):
    row = configure(world, http)
    event = AuditEvent.objects.filter(action="notifications.channels.set").latest("seq")
    assert event.target_id == str(row.pk)
    text = str(event.changes)
    for secret in ("WECOM-KEY-1234", "DING-TOKEN", "SEC-DING-SECRET-0001", "GW-SHARED-SECRET"):
        assert secret not in text
    assert services.mask("SEC-DING-SECRET-0001") == "••••0001" and services.mask("short") == "••••"


def test_a_secret_left_out_is_kept(world, http):
    configure(world, http)
    admin = fresh(world.a.users["office_admin"])
    row = services.channel_settings_set(actor=admin, office_id=world.a.office.pk, dingtalk_secret=None,
                                        defaults={Kind.OVERDUE: ["dingtalk"]})
    assert row.dingtalk_secret == "SEC-DING-SECRET-0001"


def test_only_own_office_admin_sets_channels(world):
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

    with pytest.raises(ObjectDoesNotExist):
        services.channel_settings_set(actor=fresh(world.b.users["office_admin"]), office_id=world.a.office.pk,
                                      wecom_url="http://127.0.0.1:1/x")
    with pytest.raises(PermissionDenied):
        services.channel_settings_set(actor=fresh(world.a.users["office_staff"]), office_id=world.a.office.pk,
                                      wecom_url="http://127.0.0.1:1/x")


def test_preferences_are_ones_own(world):
    inspector = fresh(world.a.users["inspector"])
    services.preference_set(actor=inspector, channels={Kind.OVERDUE: ["wecom"]}, digest=True)
    other = fresh(world.a.users["zone_leader"])
    assert not Preference.objects.for_user(other).filter(user=inspector).exists()
    assert not Preference.objects.for_user(fresh(world.sysadmin)).filter(user=inspector).exists()
    assert Preference.objects.for_user(inspector).get().digest is True
    with pytest.raises(ValidationError, match="电子邮箱"):
        services.preference_set(actor=inspector, channels={Kind.OVERDUE: ["email"]})


def test_the_digest_bundles_low_priority_kinds_once_a_day(world, http, smtp, immediate,
                                                          django_capture_on_commit_callbacks):
    configure(world, http, defaults={Kind.SURVEY_CLOSING: ["wecom"], Kind.REPORT_DUE: ["wecom", "email"],
                                     Kind.OVERDUE: ["wecom"]})
    leader = fresh(world.a.users["zone_leader"])
    leader.email = "leader@county.example"
    leader.save(update_fields=["email"])
    services.preference_set(actor=leader, channels={Kind.REPORT_DUE: ["wecom", "email"]}, digest=True)
    # given two low-priority messages and an urgent one
    (survey,) = send(leader, Kind.SURVEY_CLOSING, django_capture_on_commit_callbacks, title="问卷明天截止")
    (report,) = send(leader, Kind.REPORT_DUE, django_capture_on_commit_callbacks, title="月度工作报告待交")
    (overdue,) = send(leader, Kind.OVERDUE, django_capture_on_commit_callbacks, title="整改已逾期")
    # then the urgent one went at once, the others wait for the digest
    assert [r.json()["markdown"]["content"].splitlines()[0] for r in http.requests] == ["**整改已逾期**"]
    held = Delivery.objects.filter(notification__in=[survey, report])
    assert {d.status for d in held} == {Delivery.Status.DIGEST} and held.count() == 3
    assert smtp.messages == []
    # when the daily job runs, one message per channel bundles them
    call_command("notify", "digest")
    wecom = [r.json()["markdown"]["content"] for r in http.requests[1:]]
    assert len(wecom) == 1 and "每日汇总：2 条消息" in wecom[0]
    assert "问卷明天截止" in wecom[0] and "月度工作报告待交" in wecom[0]
    ((to, mail),) = smtp.messages
    assert to == ["leader@county.example"] and "月度工作报告待交" in mail.get_content()
    assert "问卷明天截止" not in mail.get_content()  # survey closing goes by WeCom only
    assert {d.status for d in held.all()} == {Delivery.Status.SENT}
    # and a second run sends nothing
    call_command("notify", "digest")
    assert len(http.requests) == 2 and len(smtp.messages) == 1


def test_a_person_without_the_digest_gets_low_priority_at_once(world, http, immediate,
                                                               django_capture_on_commit_callbacks):
    configure(world, http, defaults={Kind.SURVEY_CLOSING: ["wecom"]})
    (n,) = send(fresh(world.a.users["principal"]), Kind.SURVEY_CLOSING, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(notification=n).status == Delivery.Status.SENT
