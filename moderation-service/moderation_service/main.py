"""ASGI entry point: ``uvicorn --factory moderation_service.main:create_app``."""

from fastapi import FastAPI

from chassis.service import create_app as create_service_app
from moderation_service.core.service import build_definition


def create_app() -> FastAPI:
    return create_service_app(build_definition())
