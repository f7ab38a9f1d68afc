# -*- coding: utf-8 -*-
# Copyright: Contributors to the elemental.mediastore collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MediaStore tag rules (pure; no SDK).  Comparing tags is amazon.aws's compare_aws_tags."""

import unicodedata

TAGS_MAX = 50
KEY_MAX = 128
VALUE_MAX = 256
RESERVED_PREFIX = "aws:"
PUNCTUATION = "_.:/=+-@"


def normalise_tags(tags):
    """Tags as the service stores them: text keys and values, a missing value being the empty string."""
    if tags is None:
        return None
    return {str(key): "" if value is None else str(value) for key, value in tags.items()}


def _allowed(text):
    # The API's pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]*: Unicode letters, separators (spaces) and numbers.
    return all(char in PUNCTUATION or unicodedata.category(char)[0] in "LZN" for char in text)


def tags_problems(tags, option="tags"):
    """Problems of normalised tags (see normalise_tags)."""
    problems = []
    if len(tags) > TAGS_MAX:
        problems.append(f"{option}: a container has at most {TAGS_MAX} tags, {len(tags)} were given.")
    rule = f"letters, digits, spaces and {' '.join(PUNCTUATION)}"
    for key, value in sorted(tags.items()):
        if not 1 <= len(key) <= KEY_MAX or not _allowed(key):
            problems.append(f"{option}: tag key {key[:40]!r} is not valid; use 1 to {KEY_MAX} {rule}.")
        elif key.lower().startswith(RESERVED_PREFIX):
            problems.append(f"{option}: tag key {key[:40]!r} uses the prefix 'aws:', which AWS reserves.")
        if len(value) > VALUE_MAX or not _allowed(value):
            problems.append(f"{option}: the value of tag {key[:40]!r} is not valid; use 0 to {VALUE_MAX} {rule}.")
    return problems
