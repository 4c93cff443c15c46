"""The whole platform as real processes, for the end-to-end and fault suites.

Each service runs from its own folder and virtualenv (``make install`` builds them) on a free
loopback port, against a fresh database ``social_<name>_<suffix>`` and the Redis URL given.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from chassis.db import create_database
from chassis.testing import ServiceProcess

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("auth", "post", "interaction", "moderation", "engagement")
POSTGRES = "postgres://postgres@127.0.0.1:5432"


class Cluster:
    def __init__(
        self,
        *,
        suffix: str,
        redis_url: str,
        env: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.suffix = suffix
        self.redis_url = redis_url
        self.extra_env = env or {}
        self.processes: dict[str, ServiceProcess] = {}

    def database_url(self, name: str) -> str:
        return f"{POSTGRES}/social_{name}_{self.suffix}"

    def url(self, name: str) -> str:
        return self.processes[name].url

    def api(self, name: str) -> str:
        return f"{self.url(name)}/api/v1"

    def _env(self, name: str) -> dict[str, str]:
        prefix = f"{name.upper()}_"
        env = {
            f"{prefix}DATABASE_URL": self.database_url(name),
            f"{prefix}REDIS_URL": self.redis_url,
            f"{prefix}ENVIRONMENT": "test",
            # Faster reclaim than production, so fault tests see retries within seconds.
            f"{prefix}CONSUMER_RECLAIM_IDLE_MS": "1000",
            f"{prefix}CONSUMER_RECLAIM_EVERY_SECONDS": "0.5",
            f"{prefix}OUTBOX_SWEEP_SECONDS": "0.5",
        }
        if name != "auth":
            env[f"{prefix}AUTH_URL"] = self.url("auth")
        if name == "auth":
            env.update(
                {
                    "AUTH_SIGNUP_PER_IP": "[100000, 60]",
                    "AUTH_SIGNIN_PER_IP": "[100000, 60]",
                    "AUTH_SIGNIN_PER_EMAIL": "[100000, 60]",
                    "AUTH_ARGON2_MEMORY_KIB": "1024",
                    "AUTH_ARGON2_TIME_COST": "1",
                }
            )
        if name == "interaction":
            env["INTERACTION_POST_URL"] = self.url("post")
        env.update(self.extra_env.get(name, {}))
        return env

    def start(self) -> None:
        for name in SERVICES:
            asyncio.run(create_database(self.database_url(name), drop_first=True))
            process = ServiceProcess(
                ROOT / f"{name}-service", f"{name}_service", f"{name.upper()}_", {}
            )
            self.processes[name] = process
            process.env.update(self._env(name))
            process.start()

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Fault-suite helpers: a subset of the services, and one service stopped, killed or
    # restarted (on the same port) while the others keep running.

    def start_only(self, *names: str) -> None:
        """Start only the named services, in platform order (auth first when named)."""
        for name in SERVICES:
            if name in names:
                self._launch(name)

    def _launch(self, name: str) -> None:
        asyncio.run(create_database(self.database_url(name), drop_first=True))
        process = ServiceProcess(
            ROOT / f"{name}-service", f"{name}_service", f"{name.upper()}_", {}
        )
        self.processes[name] = process
        process.env.update(self._env(name))
        process.start()

    def stop_service(self, name: str) -> None:
        """SIGTERM the service's API process and wait for it (SIGKILL after 10 s)."""
        self.processes[name].stop()

    def start_service(self, name: str) -> None:
        """Start a stopped service again, on the same port and with the same environment."""
        self.processes[name].start()

    def kill_service(self, name: str) -> None:
        """SIGKILL the service's API process, as in a crash."""
        process = self.processes[name]
        if process.process is not None:
            process.process.kill()
            process.process.wait()
            process.process = None

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        """A standalone ``python -m <package>.worker`` with the service's environment.

        The caller owns the process (``kill()`` / ``terminate()`` and ``wait()`` it)."""
        process = self.processes[name]
        log_path = Path(f"/tmp/{name}_service-worker-{process.port}.log")
        with log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(
                [str(process.python), "-m", f"{name}_service.worker"],
                cwd=process.service_dir, env=process.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
