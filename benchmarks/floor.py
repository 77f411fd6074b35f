"""The measured floor of the suite: two warm kernels that import the libraries once and run the notebooks back to back.

What no runner of these notebooks can beat on this machine: as many kernels as workers (two),
each started once; each runs report after report (``%reset -f`` between them, so imports stay
and names go), executing every code cell with the parameters our runner injected, with nothing
around it — no papermill, no saved notebook, no export (HTML, Excel, Word, PDF), no hashing, no
index. Run as ``python -m benchmarks.floor REPORTS.json`` (the list ``suite.injected_parameters``
gives); the suite benchmark times the whole command, Python's start-up and kernels' boot included.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import sys
import tempfile
import threading
from pathlib import Path

WORKERS = 2
CELL_TIMEOUT_S = 600


def _discard(message) -> None:
    """Outputs are not kept (the floor saves nothing)."""


def run_notebook(client, notebook: Path, parameters: dict) -> None:
    """Every code cell of ``notebook`` in the kernel behind ``client``, with ``parameters`` set after the parameters cell."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assignments = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    sources = [f"%reset -f\nimport os\nos.chdir({str(notebook.parent)!r})"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        sources.append("".join(cell["source"]))
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            sources.append(assignments)
    for source in sources:
        reply = client.execute_interactive(source, store_history=False, output_hook=_discard, timeout=CELL_TIMEOUT_S)
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{notebook.name}: {content.get('ename')}: {content.get('evalue')}")


def run_all(reports: list[dict], workers: int = WORKERS) -> int:
    """Run ``reports`` on ``workers`` kernels, each taking the next report when it is free; the reports run."""
    from jupyter_client.manager import KernelManager

    todo: queue.Queue = queue.Queue()
    for report in reports:
        todo.put(report)
    errors: list[BaseException] = []
    done: list[str] = []

    def work() -> None:
        # Unix sockets in a folder of its own, as the runner's kernels: two kernels starting together
        # over TCP can be given the same port.
        sockets = tempfile.mkdtemp(prefix="sa-floor-")
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel"))
        manager.start_kernel(cwd=str(Path(reports[0]["notebook"]).parent))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            while not errors:
                try:
                    report = todo.get_nowait()
                except queue.Empty:
                    return
                run_notebook(client, Path(report["notebook"]), report["parameters"])
                done.append(report["name"])
        except BaseException as exc:  # noqa: BLE001 - said by the main thread
            errors.append(exc)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
            shutil.rmtree(sockets, ignore_errors=True)

    threads = [threading.Thread(target=work) for _ in range(min(workers, len(reports)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return len(done)


if __name__ == "__main__":
    ran = run_all(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    print(f"{ran} reports run")
