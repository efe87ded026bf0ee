"""Who sees what of an evaluation, phase by phase — the rules in one place.

The querysets (``models``: ``for_user``) and the selectors apply these rules; nothing else decides.

* **Office staff** of the evaluating office's region (and above) see everything: every unit, every
  rater's sheet and the results as soon as they are computed. A county office also sees the
  evaluation of its own government when a higher office evaluates it (a region unit), as a unit.
* **Raters** see the evaluations they rate and the units assigned to them. A rater sees their own
  sheets always and **another rater's sheet of a unit only after submitting their own sheet of
  that unit** (``Rating`` scope). They see the aggregated results from the preliminary opinion on,
  like the units.
* **Units** (a school's liaison and principal, or a region's office for 督政) see their
  evaluation from the notice on (never a draft), their own unit, its self-assessment, evidence and
  visits, and the **aggregated** results from the preliminary opinion on (``UNIT_RESULT_PHASES``).
  They never see a rater's sheet, nor who scored what.
* Every other user (an inspector listed at the school, a zone leader) sees a unit as its unit
  does, and nothing more.
"""

# the evaluation's phases, in order (values of ``Evaluation.Status``)
DRAFT = "draft"
NOTIFIED = "notified"      # notice sent; self-assessment open
ON_SITE = "on_site"        # the team visits
RATING = "rating"          # raters score independently
PRELIMINARY = "preliminary"  # preliminary opinion fed back; the unit may reply (申辩)
OPINION = "opinion"        # opinion letters (督导意见书) issued
PUBLISHED = "published"    # results published

PHASES = (DRAFT, NOTIFIED, ON_SITE, RATING, PRELIMINARY, OPINION, PUBLISHED)

UNIT_VISIBLE_PHASES = frozenset(PHASES) - {DRAFT}
UNIT_RESULT_PHASES = frozenset({PRELIMINARY, OPINION, PUBLISHED})
SELF_ASSESSMENT_PHASES = frozenset({NOTIFIED, ON_SITE})  # a unit may still edit and submit its 自评
VISIT_PHASES = frozenset({NOTIFIED, ON_SITE, RATING})
RATING_PHASES = frozenset({RATING})
REPLY_PHASES = frozenset({PRELIMINARY})
OPINION_PHASES = frozenset({OPINION})


def results_visible(status: str, *, office: bool) -> bool:
    """Aggregated results (totals, per-indicator scores, grade, rank) of a unit."""
    if office:
        return status in UNIT_RESULT_PHASES or status == RATING
    return status in UNIT_RESULT_PHASES


def rating_visible(*, office: bool, own: bool, own_submitted: bool) -> bool:
    """One rater's sheet: the office always, its rater always, another rater of the same unit only
    after submitting their own; units and everybody else never."""
    return office or own or own_submitted


def self_assessment_visible(status: str, *, office: bool, unit: bool, rater: bool) -> bool:
    """A unit's self-assessment: the unit and the office always; raters from the on-site review on
    (they weigh the self-assessment report, 条例 第十八条/第二十条)."""
    return office or unit or (rater and status != NOTIFIED and status != DRAFT)
