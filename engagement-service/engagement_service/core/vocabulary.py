"""Words shared with other services.

Categories are ``contracts/vocabulary.json``'s interests (the post service's categories); a
test keeps this copy equal to the file. Reaction types are the interaction service's.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "ART",
    "BUSINESS",
    "EDUCATION",
    "ENTERTAINMENT",
    "FASHION",
    "FOOD",
    "GAMING",
    "HEALTH",
    "LIFESTYLE",
    "MUSIC",
    "NEWS",
    "PHOTOGRAPHY",
    "POLITICS",
    "SCIENCE",
    "SPORTS",
    "TECHNOLOGY",
    "TRAVEL",
)

REACTION_TYPES: tuple[str, ...] = ("LIKE", "LOVE", "ANGRY", "SAD", "FUNNY", "JOY")
