"""Interest choices: the same words as the post service's categories.

The list is data agreed between services (``contracts/vocabulary.json``); a test keeps this
copy equal to it.
"""

INTERESTS: tuple[str, ...] = (
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
