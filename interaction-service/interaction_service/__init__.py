"""The interaction service: comments, reactions and views on posts."""
