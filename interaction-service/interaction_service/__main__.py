"""``python -m interaction_service [migrate|makemigrations NAME|serve|worker|create-db]``."""

from chassis.service import main
from interaction_service.core.service import build_definition

if __name__ == "__main__":
    main(build_definition)
