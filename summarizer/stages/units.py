"""Units of measure that news reports give figures in, and their conversion.

Besides distances (kilometres, miles, metres: :mod:`summarizer.stages.quantities`) news
states areas burned or flooded (acres, hectares, square kilometres or miles), wind and
vehicle speeds (mph, km/h, knots), masses (tonnes, tons, kilograms), volumes (litres,
gallons, barrels, cubic metres) and temperatures (°C, °F). Each kind is normalised to
one unit (hectares, km/h, tonnes, litres, °C) so that "12,000 acres" and "some 4,900
hectares" agree and "90 mph" and "190 km/h" do not.

A table rather than a units library (pint): the conversion factors are fixed
definitions (1 acre = 0.40468564224 ha, 1 mile = 1.609344 km, 1 knot = 1.852 km/h,
1 lb = 0.45359237 kg, 1 US gallon = 3.785411784 l, 1 imperial gallon = 4.54609 l, 1 oil
barrel = 158.987294928 l), the hard part is reading the unit as news writes it ("90mph",
"a 12,000-acre fire", "sq km", "miles an hour", "degrees Fahrenheit"), which a units
library does not do, and pint's registry costs about 0.3 s of CPU to load, more than the
whole start-up budget of a run. Units a reader cannot pin down are given as ranges:
"tons" may be short (0.907 t), long (1.016 t) or metric tonnes, "gallons" US or
imperial; a bare "degrees" (Celsius? Fahrenheit? an angle?) is not read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.models import Quantity


@dataclass(frozen=True)
class Unit:
    """A unit as written, and how to turn a value in it into the kind's normal unit:
    (value + offset) * factor, or a range of factors for an ambiguous unit."""

    kind: str  # "area", "speed", "mass", "volume", "temperature"
    normal: str  # "ha", "km/h", "t", "l", "°C"
    factor: float
    high: float | None = None  # the highest factor an ambiguous unit may mean
    offset: float = 0.0  # temperature scales: °F -> °C is (v - 32) * 5/9


_KM = r"(?:kilomet(?:re|er)s?|km)"
_M = r"(?:met(?:re|er)s?|m)"
_TABLE: tuple[tuple[str, Unit], ...] = (
    (r"acres?", Unit("area", "ha", 0.40468564224)),
    (r"hectares?|ha", Unit("area", "ha", 1.0)),
    (rf"square\s+{_KM}|sq\.?\s*km|km2|km²", Unit("area", "ha", 100.0)),
    (r"square\s+miles?|sq\.?\s*mi(?:les?)?", Unit("area", "ha", 258.9988110336)),
    (rf"square\s+{_M}|sq\.?\s*m|m2|m²", Unit("area", "ha", 1e-4)),
    (r"mph|miles?\s+(?:per|an|a)\s+hour", Unit("speed", "km/h", 1.609344)),
    (rf"km/h|kph|kmh|km/hr|{_KM}\s+(?:per|an|a)\s+hour", Unit("speed", "km/h", 1.0)),
    (r"knots?", Unit("speed", "km/h", 1.852)),
    (r"tonnes?|metric\s+tons?", Unit("mass", "t", 1.0)),
    (r"tons?", Unit("mass", "t", 0.90718474, high=1.0160469088)),
    (r"kilo(?:gram)?s?|kg|kgs", Unit("mass", "t", 0.001)),
    (r"lbs?", Unit("mass", "t", 0.00045359237)),
    (r"lit(?:re|er)s?", Unit("volume", "l", 1.0)),
    (r"gallons?", Unit("volume", "l", 3.785411784, high=4.54609)),
    (r"barrels?", Unit("volume", "l", 158.987294928)),
    (rf"cubic\s+{_M}|m3|m³", Unit("volume", "l", 1000.0)),
    (r"°\s?C|degrees?\s+(?:celsius|centigrade|c)", Unit("temperature", "°C", 1.0)),
    (r"°\s?F|degrees?\s+(?:fahrenheit|f)", Unit("temperature", "°C", 5 / 9, offset=-32.0)),
)
_UNIT_RE = re.compile(
    r"^(?P<sep>\s?-?\s?|-)(?:"
    + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(_TABLE))
    + r")(?![\w/²³-])",
    re.IGNORECASE,
)
KINDS = frozenset(unit.kind for _, unit in _TABLE)


@dataclass(frozen=True)
class Found:
    unit: Unit
    end: int  # where the unit's word ends in the text searched
    hyphenated: bool  # "a 12,000-acre fire": the figure modifies the noun after it


def unit_after(after: str) -> Found | None:
    """The unit right after a number ("90 mph", "12,000-acre", "44 °C"), if one."""
    m = _UNIT_RE.match(after)
    if m is None:
        return None
    i = next(int(name[1:]) for name, value in m.groupdict().items() if name[0] == "u" and value)
    return Found(_TABLE[i][1], m.end(), m.group("sep").strip() == "-")


def normal(value: float, unit: Unit) -> tuple[float, float | None, float | None]:
    """``value`` in the kind's normal unit, and its range for an ambiguous unit."""
    converted = (value + unit.offset) * unit.factor
    if unit.high is None:
        return converted, None, None
    top = (value + unit.offset) * unit.high
    return (converted + top) / 2, converted, top


def _number(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} million"
    return f"{value:,.{0 if abs(value) >= 10 else 1}f}"


def shown(value: float, normal_unit: str, high: float | None = None) -> str:
    """A normalised value (or range) at a sensible precision: "4,856 ha", "145 km/h",
    "32 °C", "454-508 t", "11.4 million l"."""
    if normal_unit == "°C":
        return f"{value:.0f} °C"
    number = _number(value) if high is None else f"{_number(value)}-{_number(high)}"
    return f"{number} {normal_unit}"


_NORMAL_WORDS = {
    "ha": r"hectares?|\bha\b",
    "km/h": r"km/h|kph|kmh|km/hr|kilomet(?:re|er)s?\s+(?:per|an|a)\s+hour|km\s+(?:per|an|a)\s+hour",
    "t": r"tonnes?|metric\s+tons?",
    "l": r"lit(?:re|er)s?",
    "°C": r"°\s?C|celsius|centigrade",
}


def in_normal_unit(raw: str, normal_unit: str) -> bool:
    """Whether a figure as written is already in its kind's normal unit."""
    words = _NORMAL_WORDS.get(normal_unit)
    return bool(words and re.search(words, raw, re.IGNORECASE))


def in_normal(
    value: float, low: float | None, high: float | None, unit: Unit
) -> tuple[float, float | None, float | None]:
    """A measure (and its bounds) in its kind's normal unit; an ambiguous unit ("tons")
    gives a range."""
    converted, lowest, highest = normal(value, unit)
    if low is not None or high is not None:
        low = normal(low, unit)[1 if unit.high else 0] if low is not None else None
        high = normal(high, unit)[2 if unit.high else 0] if high is not None else None
        return converted, low, high
    return converted, lowest, highest


def measure_shown(q: Quantity) -> str:
    """ "12,000 acres (4,856 ha)", "90 mph (145 km/h)", "500 tons (454-508 t)", "6,500
    hectares": the figure as written, and in its kind's normal unit when it is not."""
    unit = q.unit or ""
    if in_normal_unit(q.raw, unit):
        return q.raw
    if q.low is not None and q.high is not None and not q.approximate:
        return f"{q.raw} ({shown(q.low, unit, q.high)})"
    return f"{q.raw} ({shown(q.value, unit)})"
