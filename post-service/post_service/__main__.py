"""``python -m post_service [migrate|makemigrations NAME|serve|worker|create-db]``."""

from chassis.service import main
from post_service.core.service import build_definition

if __name__ == "__main__":
    main(build_definition)
