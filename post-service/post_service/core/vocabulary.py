"""Post categories: the same words as user interests in the auth service.

The list is data agreed between services (``contracts/vocabulary.json``); a test keeps this
copy equal to it.
"""

from enum import Enum


class Category(str, Enum):
    ART = "ART"
    BUSINESS = "BUSINESS"
    EDUCATION = "EDUCATION"
    ENTERTAINMENT = "ENTERTAINMENT"
    FASHION = "FASHION"
    FOOD = "FOOD"
    GAMING = "GAMING"
    HEALTH = "HEALTH"
    LIFESTYLE = "LIFESTYLE"
    MUSIC = "MUSIC"
    NEWS = "NEWS"
    PHOTOGRAPHY = "PHOTOGRAPHY"
    POLITICS = "POLITICS"
    SCIENCE = "SCIENCE"
    SPORTS = "SPORTS"
    TECHNOLOGY = "TECHNOLOGY"
    TRAVEL = "TRAVEL"


CATEGORIES: tuple[str, ...] = tuple(category.value for category in Category)
