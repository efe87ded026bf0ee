"""County A's autumn term of 2026 as the assessment tests read it: the period, the day it is read
on, and a rating form answered at one level throughout."""

import datetime

from dudao.assessment.instrument import ITEMS
from dudao.assessment.selectors import period_of

D = datetime.date
AUTUMN = period_of("term", D(2026, 10, 1))
ON = D(2026, 10, 31)


def answers(level):
    return {code: level for code, _text in ITEMS}
