"""Times the scoring of one evaluation (督导评估): 2 000 units × 3 raters × 120 leaves.

    python bench/evaluation_bench.py --units 2000 --raters 3 --leaves 120

1. **pure**: ``dudao.evaluations.scoring.score_evaluation`` on plain values — a synthetic indicator
   system of ``--leaves`` scored leaves in 12 first-level sections (points adding up to 100, two of
   them yes/no veto items of weight 0), every rater's sheet with random deductions — once per
   aggregation rule (mean, median, trimmed mean, mean weighted by rater group). Consensus per leaf,
   scoring over the tree, veto, grade and ranking.
2. **agreement**: per unit the spread of every leaf and the outlier raters (what the results page
   computes for the office).
3. **database** (``--no-db`` skips it): the same evaluation in a throwaway SQLite database of its
   own (a temporary ``DUDAO_VAR_DIR`` unless one is set), written in bulk: an indicator-system
   version with the leaves, ``--units`` schools, the units and every rater's submitted sheet; then
   ``services.compute_results`` (read the sheets, score, rank, one bulk update of the units) as
   the preliminary opinion runs it.

Figures go to stdout (and ``--markdown FILE``); the last run is in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OWN_VAR_DIR = "DUDAO_VAR_DIR" not in os.environ
if OWN_VAR_DIR:  # removed at the end
    os.environ["DUDAO_VAR_DIR"] = tempfile.mkdtemp(prefix="dudao-evaluation-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from dudao.evaluations import scoring  # noqa: E402
from dudao.instruments.scoring import ItemSpec  # noqa: E402

SECTIONS = 12


def indicator_tree(leaves: int) -> list[ItemSpec]:
    """12 sections; ``leaves`` scored leaves worth 100 points in all, the last two veto yes/no items."""
    specs = [ItemSpec(f"S{s}", "section") for s in range(SECTIONS)]
    scored = leaves - 2
    base, extra = divmod(10000, scored)  # hundredths of a point
    for n in range(scored):
        points = Decimal(base + (1 if n < extra else 0)) / 100
        specs.append(ItemSpec(f"L{n}", "score", parent=f"S{n % SECTIONS}", max_score=points))
    specs += [ItemSpec(f"V{n}", "yes_no", parent=f"S{n}", weight=Decimal(0), is_veto=True) for n in range(2)]
    parents = [s for s in specs if s.is_section]
    return parents + sorted((s for s in specs if not s.is_section), key=lambda s: s.parent)


def sheet(specs, rng: random.Random) -> dict:
    out = {}
    for spec in specs:
        if spec.response_type == "score":
            out[spec.code] = float(spec.max_score) if rng.random() < 0.8 else round(
                float(spec.max_score) * rng.choice([0, 0.25, 0.5, 0.75]), 2)
        elif spec.response_type == "yes_no":
            out[spec.code] = rng.random() > 0.002
    return out


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pure(specs, units: int, raters: int, repeat: int, seed: int) -> tuple[list[tuple], dict]:
    rng = random.Random(seed)
    groups = ["experts", "inspectors", "peers"]
    sheets = {u: [scoring.Sheet(rater=r, group=groups[r % 3], answers=sheet(specs, rng)) for r in range(raters)]
              for u in range(units)}
    rows = []
    for label, method, weights in (("mean", "mean", None), ("median", "median", None),
                                   ("trimmed mean", "trimmed_mean", None),
                                   ("mean by rater group (0.5/0.3/0.2)", "mean",
                                    {"experts": Decimal("0.5"), "inspectors": Decimal("0.3"), "peers": Decimal("0.2")})):
        seconds, (scores, ranks) = timed(lambda m=method, w=weights: scoring.score_evaluation(
            specs, sheets, method=m, group_weights=w, veto_cap=0), repeat)
        vetoed = sum(1 for s in scores.values() if s.vetoed)
        rows.append((label, seconds, len(scores), vetoed, max(ranks.values())))

    def agreement():
        for unit_sheets in sheets.values():
            scoring.leaf_spread(specs, unit_sheets)
            scoring.outlier_raters({s.rater: scoring.sheet_total(specs, s.answers) for s in unit_sheets})
    seconds, _ = timed(agreement, repeat)
    rows.append(("agreement (spread per leaf, outlier raters)", seconds, units, 0, 0))
    return rows, sheets


def database(specs, sheets: dict, raters: int) -> dict:
    from dudao.accounts.models import User
    from dudao.core.testing.world import build_world
    from dudao.evaluations import services
    from dudao.evaluations.models import Evaluation, Rater, RaterGroup, Rating, Unit
    from dudao.instruments.models import Instrument, InstrumentVersion, Item
    from dudao.organizations.models import School

    call_command("migrate", verbosity=0)
    timings = {}
    start = time.perf_counter()
    with transaction.atomic():
        world = build_world()
        county = world.a
        instrument = Instrument.objects.create(office=county.office, code="bench", name="评估指标体系（测试）",
                                               kind="indicator_system")
        version = InstrumentVersion.objects.create(instrument=instrument, number=1, status="published")
        by_code = {}
        for n, spec in enumerate(specs):
            by_code[spec.code] = Item.objects.create(
                version=version, parent=by_code.get(spec.parent), position=n, code=spec.code, text=spec.code,
                response_type=spec.response_type, max_score=spec.max_score, weight=spec.weight, is_veto=spec.is_veto)
        schools = School.objects.bulk_create([
            School(code=f"E{n:06d}", name=f"评估学校{n + 1}", region=county.township) for n in range(len(sheets))])
        evaluation = Evaluation.objects.create(office=county.office, title="基准评估", year=2026, version=version,
                                               status="rating")
        group = RaterGroup.objects.create(evaluation=evaluation, kind="experts")
        users = User.objects.bulk_create([User(username=f"bench_rater_{r}") for r in range(raters)])
        rater_rows = Rater.objects.bulk_create([Rater(evaluation=evaluation, group=group, user=u) for u in users])
        units = Unit.objects.bulk_create([Unit(evaluation=evaluation, school=s, region_path=county.township.path,
                                               name=s.name) for s in schools])
        Rating.objects.bulk_create([
            Rating(unit=unit, rater=rater_rows[r], status="submitted", scores=sheets[n][r].answers)
            for n, unit in enumerate(units) for r in range(raters)], batch_size=2000)
    timings["write (bulk, set-up)"] = time.perf_counter() - start
    evaluation = Evaluation.objects.select_related("version").get(pk=evaluation.pk)
    for attempt in range(2):
        connection.queries_log.clear()
        start = time.perf_counter()
        with transaction.atomic():
            services.compute_results(evaluation)
        timings[f"compute_results run {attempt + 1}"] = time.perf_counter() - start
    sample = Unit.objects.filter(evaluation=evaluation).order_by("rank").first()
    timings["first: " + f"{sample.name} {sample.total} {sample.grade}"] = 0
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--raters", type=int, default=3)
    parser.add_argument("--leaves", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-db", action="store_true")
    parser.add_argument("--markdown")
    args = parser.parse_args()
    specs = indicator_tree(args.leaves)
    lines = [f"Evaluation of {args.units} units × {args.raters} raters × {args.leaves} leaves "
             f"({args.units * args.raters * args.leaves:,} leaf scores), median of {args.repeat} runs", "",
             "| step | seconds | units | vetoed | last rank |", "|---|---:|---:|---:|---:|"]
    rows, sheets = pure(specs, args.units, args.raters, args.repeat, args.seed)
    for label, seconds, units, vetoed, last in rows:
        lines.append(f"| pure: {label} | {seconds:.2f} | {units} | {vetoed} | {last} |")
    if not args.no_db:
        for label, seconds in database(specs, sheets, args.raters).items():
            lines.append(f"| database: {label} | {seconds:.2f} | | | |" if seconds else f"| {label} | | | | |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    if OWN_VAR_DIR:
        shutil.rmtree(os.environ["DUDAO_VAR_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
