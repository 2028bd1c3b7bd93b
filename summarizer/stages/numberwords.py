"""English number words, one table for the stages that read them.

Dates read counts of days ("three days ago"), quantities read figures ("twenty-five
people"), the claim gate compares numbers written either way. Why by hand: the values of
twenty-eight words; a library (num2words, word2number) would add an import for a table.
"""

from __future__ import annotations

SMALL: dict[str, int] = {
    word: value
    for value, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen
        fourteen fifteen sixteen seventeen eighteen nineteen""".split()  # noqa: SIM905
    )
}
TENS: dict[str, int] = {
    word: 10 * value
    for value, word in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(),  # noqa: SIM905
        start=2,
    )
}
