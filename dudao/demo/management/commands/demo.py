"""``dudao demo``: loads the demo county 示范县 (idempotent) and prints one login per role."""

import os
import time
import unicodedata

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dudao.demo.loader import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    build_demo,
    demo_conflicts,
    demo_exists,
    demo_logins,
    demo_summary,
)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table that stays aligned with Chinese characters in the cells."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Loads the demo county 示范县 (60 schools and kindergartens, 5 zones, 12 inspectors, one account per "
        "role, an account per inspector) with a year of plans, visits, findings and rectifications up to today, "
        "and prints the logins. Does nothing if the demo is already loaded. --reset empties the WHOLE "
        "database first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"random seed; the same seed gives the same data (default {DEFAULT_SEED})")
        parser.add_argument("--reset", action="store_true",
                            help="delete ALL data in the database (not only the demo), then load the demo")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="with --reset, do not ask for confirmation")

    def handle(self, *args, seed: int, reset: bool, interactive: bool, **options):
        if reset:
            self.stdout.write(self.style.WARNING(
                "警告：--reset 将清空整个数据库（不仅是演示数据），包括审计记录。\n"
                "(Warning: --reset deletes ALL data in the database, not only the demo, audit trail included.)"
            ))
            if interactive:
                try:
                    answer = input("输入 yes 继续 (type 'yes' to continue): ")
                except EOFError:
                    answer = ""
                if answer.strip() != "yes":
                    raise CommandError("已取消 (cancelled).")
            call_command("flush", interactive=False, verbosity=0)

        if demo_exists():
            self.stdout.write("示范县演示数据已存在，未做改动。(The demo county is already loaded; nothing changed.)")
        else:
            conflicts = demo_conflicts()
            if conflicts:
                raise CommandError(
                    "数据库中已有与演示数据冲突的记录 (the database holds rows that clash with the demo): "
                    + ", ".join(conflicts) + ". 使用 --reset 清空数据库后重试 (use --reset to start from an empty database)."
                )
            started = time.monotonic()
            build_demo(seed=seed)
            self.stdout.write(self.style.SUCCESS(
                f"已生成示范县演示数据 (demo county loaded), seed {seed}, {time.monotonic() - started:.1f} s."
            ))
        self.print_summary()
        self.print_logins()

    def print_summary(self):
        s = demo_summary()
        self.stdout.write(
            f"\n示范县 (demo county): {s.schools} 所学校和幼儿园 (schools and kindergartens; "
            f"{s.kindergartens} 幼儿园, {s.private} 民办), {s.zones} 个督学责任区 (zones), "
            f"{s.inspectors} 名督学 (inspectors; {s.full_time} 专职), {s.current_listings} 个在挂牌 (current listings), "
            f"历史 (history): {s.ended_memberships} 条已结束的责任区归属, {s.ended_listings} 条已结束的挂牌。\n"
            f"邻县 (neighbouring county): {s.neighbour_schools} 所学校。审计记录 (audit events): {s.audit_events}。"
        )
        loop, notices = s.loop, s.loop.notices
        self.stdout.write(
            f"近一年 (last 12 months): {loop.visits} 次随访督导 (visits, in {loop.months_with_visits} months; "
            f"{loop.drafts} 份草稿 drafts), {loop.lessons} 节听课 (lessons), {loop.findings} 个问题 (findings), "
            f"{sum(notices.values())} 份整改通知书 (notices): {notices['issued']} 已下发 (issued), "
            f"{notices['submitted']} 待复查 (awaiting re-check), {notices['returned']} 已退回 (returned), "
            f"{notices['closed']} 已销号 (closed); {loop.overdue} 份逾期 (overdue), {loop.escalations} 次约谈或通报 "
            f"(escalations), {loop.attachments} 个附件 (files)。\n"
            f"工作计划 (plans): {s.plans}, 任务 (tasks): {s.tasks}。督学账号 (inspector accounts): "
            f"{s.inspector_accounts}, 学校联系人账号 (liaison accounts): {s.liaison_accounts}。"
            f"台账文书 (documents filed): {s.documents}。"
        )

    def print_logins(self):
        port = os.environ.get("PORT") or "8000"
        rows = [[f"{login.role_zh} ({login.role_en})", login.username, DEMO_PASSWORD, login.full_name, login.unit]
                for login in demo_logins()]
        self.stdout.write("\n演示账号 (demo logins):\n")
        self.stdout.write(format_table(["角色 (role)", "用户名 (username)", "密码 (password)", "姓名 (name)",
                                        "单位 (unit)"], rows))
        self.stdout.write(
            f"\n其他督学登录 inspector02 … inspector12，学校联系人登录 liaison_<学校代码>，密码均为 {DEMO_PASSWORD}。"
            f"\n(The other inspectors sign in as inspector02 … inspector12 and school liaisons as "
            f"liaison_<school code>, password {DEMO_PASSWORD}.)"
        )
        self.stdout.write(f"\n访问 (open): http://127.0.0.1:{port}/\n")
