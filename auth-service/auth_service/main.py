"""ASGI entry point: ``uvicorn --factory auth_service.main:create_app``."""

from fastapi import FastAPI

from auth_service.core.service import build_definition
from chassis.service import create_app as create_service_app


def create_app() -> FastAPI:
    return create_service_app(build_definition())
