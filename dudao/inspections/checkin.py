"""Proof of presence on a visit (入校签到): the distance from the inspector's check-in to the school
and what it means under the office's radius. Pure functions, no ORM.

Coordinates are WGS-84 decimal degrees, the system a browser's ``navigator.geolocation`` and a
phone's GPS report. Maps published in China (高德, 腾讯, 百度) draw GCJ-02 or BD-09, offset from
WGS-84 by a few hundred metres, so a school's coordinates are best taken with the same phone at
the gate (the school form's "use my current location") rather than read off such a map.
"""

import math
from decimal import Decimal

# The mean radius of the Earth, R₁ = (2a + b) / 3 of WGS-84, as the IUGG recommends.
EARTH_RADIUS_M = 6_371_008.8

WITHIN = "within"
TOO_FAR = "too_far"
NO_LOCATION = "no_location"
NO_SCHOOL_POINT = "no_school_point"


def haversine_m(lat1, lon1, lat2, lon2) -> float:
    """The great-circle distance in metres between two points given in decimal degrees.

    The haversine formula (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2),
    1984, p. 159): a = sin²(Δφ/2) + cos φ₁ · cos φ₂ · sin²(Δλ/2), d = 2R · atan2(√a, √(1−a)).
    On a sphere of the mean radius it is within about 0.5 % of the ellipsoidal distance, a few
    metres at the scale of a school's grounds.
    """
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def checkin_result(*, latitude: Decimal | None, longitude: Decimal | None, school_latitude: Decimal | None,
                   school_longitude: Decimal | None, radius_m: int) -> tuple[str, int | None]:
    """``(status, distance in whole metres or None)`` of a check-in at a school.

    No location → ``no_location``; the school without coordinates → ``no_school_point`` (nothing
    to compare with); otherwise ``within`` up to and including ``radius_m``, ``too_far`` beyond.
    The reported accuracy is kept beside the result but does not change it: a wide accuracy circle
    is shown to the reader, not counted in the inspector's favour.
    """
    if latitude is None or longitude is None:
        return NO_LOCATION, None
    if school_latitude is None or school_longitude is None:
        return NO_SCHOOL_POINT, None
    distance = round(haversine_m(latitude, longitude, school_latitude, school_longitude))
    return (WITHIN if distance <= radius_m else TOO_FAR), distance
