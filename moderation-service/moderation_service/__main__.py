"""``python -m moderation_service [migrate|makemigrations NAME|serve|worker|create-db]``."""

from chassis.service import main
from moderation_service.core.service import build_definition

if __name__ == "__main__":
    main(build_definition)
