"""amlite's Python inference server: serves a user's score.py the way Azure ML's inference server does.

Standard library only, so a deployment needs nothing installed beyond what its own score.py imports. It imports
the scoring script, calls init() once, then run(raw_data) per POST /score with the request body as a string, and
answers run()'s result as JSON. AZUREML_MODEL_DIR points at the model's files, as on Azure.

  GET  /live   200 while the process serves (liveness)
  GET  /ready  200 once init() has returned (readiness)
  POST /score  run(raw_data) -> 200 JSON; an exception in run() -> 500 {"error": ...}, traceback on stderr;
               with an x-amlite-timeout-ms header, a run() still going at that deadline is cancelled (a
               RequestTimeout exception raised inside it) and answered 408. As Azure's server: a run() decorated
               with @rawhttp gets the whole request (an AMLRequest), and a run() that returns an AMLResponse is
               answered with its status, body and content type, marked x-amlite-model-status for the router
               (azureml.contrib.services.aml_request / aml_response, provided here when not installed)

Configuration (environment): AML_APP_ROOT (the code folder), AZUREML_ENTRY_SCRIPT (the script, relative to it),
AZUREML_MODEL_DIR, AMLITE_PORT (0 picks a free port), AMLITE_MAX_CONCURRENT (run() calls at once, default 1 —
Azure's max_concurrent_requests_per_instance), AMLITE_MAX_BODY (bytes, default 100 MiB), AMLITE_EXIT_WITH_PARENT
(1: exit when the process that started it is gone), AMLITE_LOCAL_SOCKET (1: also listen on a Unix domain socket,
the router's cheaper way in, announced first as "AMLITE-LISTENING-LOCAL <path>"). The port actually bound is
printed as "AMLITE-LISTENING <port>" on stdout. Exit codes: 2 the script cannot be loaded or lacks init/run,
3 init() raised.
"""
import atexit
import ctypes
import importlib.util
import json
import logging
import os
import shutil
import signal
import socket
import socketserver
import sys
import tempfile
import threading
import time
import traceback
import types
import urllib.parse

LOG = logging.getLogger("amlite.inference")
LEFT_BEHIND = []  # folders to remove on the way out, even through os._exit


def load_script(app_root, entry_script):
    path = os.path.normpath(os.path.join(app_root, entry_script))
    if not os.path.isfile(path):
        sys.stderr.write(f"amlite: the scoring script '{entry_script}' is not in the code folder ({app_root}).\n")
        sys.exit(2)
    sys.path.insert(0, os.path.dirname(path))
    sys.path.insert(0, app_root)
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.stderr.write(f"amlite: importing the scoring script '{entry_script}' failed:\n")
        traceback.print_exc()
        sys.exit(2)
    missing = [name for name in ("init", "run") if not callable(getattr(module, name, None))]
    if missing:
        sys.stderr.write(f"amlite: the scoring script '{entry_script}' must define init() and run(raw_data); "
                         f"it has no {' and no '.join(m + '()' for m in missing)}.\n")
        sys.exit(2)
    return module


class Headers(dict):
    """Request headers by lower-case name, looked up in any case (as werkzeug's are)."""

    def __getitem__(self, name):
        return dict.__getitem__(self, name.lower())

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)

    def __contains__(self, name):
        return dict.__contains__(self, name.lower())


class AMLRequest:
    """What a @rawhttp run() receives: the reading side of Azure's AMLRequest (a werkzeug request there)."""

    def __init__(self, method, full_path, headers, body):
        self.method = method
        self.full_path = full_path
        self.path, _, query = full_path.partition("?")
        self.args = dict(urllib.parse.parse_qsl(query))
        self.headers = Headers(headers)
        self.data = body

    def get_data(self, as_text=False, **_):
        return self.data.decode("utf-8", errors="replace") if as_text else self.data

    def get_json(self, force=False, silent=False, **_):
        try:
            return json.loads(self.data) if self.data else None
        except ValueError:
            if silent:
                return None
            raise

    @property
    def json(self):
        return self.get_json()


class AMLResponse:
    """Azure's AMLResponse(message, status_code, response_headers, json_str): run()'s own status and body."""

    def __init__(self, message, status_code, response_headers=None, json_str=False):
        self.status_code = int(status_code)
        self.headers = dict(response_headers or {})
        if json_str:
            message = json.dumps(message)
        if isinstance(message, (bytes, bytearray)):
            self.data, default_type = bytes(message), "application/octet-stream"
        elif isinstance(message, str):
            self.data = message.encode("utf-8")
            default_type = "application/json" if json_str else "text/plain; charset=utf-8"
        else:
            self.data, default_type = json.dumps(message).encode("utf-8"), "application/json"
        given = [v for k, v in self.headers.items() if k.lower() == "content-type"]
        self.content_type = given[0] if given else default_type


def model_answer(result):
    """run()'s result as an AMLResponse when it is one (ours, or the real one: a werkzeug response), else None."""
    if isinstance(result, AMLResponse):
        return result
    if type(result).__name__ == "AMLResponse" and hasattr(result, "status_code") and hasattr(result, "get_data"):
        answer = AMLResponse(result.get_data(), result.status_code)
        answer.content_type = getattr(result, "content_type", None) or answer.content_type
        return answer
    return None


def rawhttp(func):
    """Azure's @rawhttp: run() is given the whole request instead of its body as text."""
    func.__amlite_rawhttp__ = True
    return func


def provide_azureml_modules():
    """azureml.contrib.services.aml_request and aml_response for score.py files that import them, unless the
    interpreter has the real ones (azureml-inference-server-http)."""
    try:
        import azureml.contrib.services.aml_request  # noqa: F401
        import azureml.contrib.services.aml_response  # noqa: F401
        return
    except ImportError:
        pass
    for name in ("azureml", "azureml.contrib", "azureml.contrib.services"):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = []
            sys.modules[name] = package
    request_module = types.ModuleType("azureml.contrib.services.aml_request")
    request_module.AMLRequest, request_module.rawhttp = AMLRequest, rawhttp
    response_module = types.ModuleType("azureml.contrib.services.aml_response")
    response_module.AMLResponse = AMLResponse
    sys.modules[request_module.__name__] = request_module
    sys.modules[response_module.__name__] = response_module
    sys.modules["azureml"].contrib = sys.modules["azureml.contrib"]
    sys.modules["azureml.contrib"].services = sys.modules["azureml.contrib.services"]
    sys.modules["azureml.contrib.services"].aml_request = request_module
    sys.modules["azureml.contrib.services"].aml_response = response_module


class RequestTimeout(BaseException):  # not Exception: a broad "except Exception" in run() must not swallow it
    """Raised inside run() when the request's deadline passes: the router has already answered 408."""


class Watchdog:
    """Cancels a run() at its deadline by raising RequestTimeout in the thread running it.

    Python cannot stop a thread from outside; PyThreadState_SetAsyncExc makes the thread raise at its next
    bytecode, which stops Python code (loops, sleeps in short steps). A call blocked inside C finishes first.
    One long-lived thread watches every deadline: a timer thread per request cost more than run() on a small model.
    """

    def __init__(self):
        self.condition = threading.Condition()
        self.deadlines = {}  # thread id -> (deadline, request number)
        self.wake_at = None
        self.requests = 0
        threading.Thread(target=self.watch, name="deadline-watchdog", daemon=True).start()

    def start(self, timeout_ms):
        """Arms the deadline for the calling thread; returns the token to pass to stop()."""
        deadline = time.monotonic() + timeout_ms / 1000.0
        thread_id = threading.get_ident()
        with self.condition:
            self.requests += 1
            token = (deadline, self.requests)
            self.deadlines[thread_id] = token
            if self.wake_at is None or deadline < self.wake_at:
                self.condition.notify()
        return thread_id, token

    def stop(self, armed):
        """Disarms; True when the deadline had already fired (RequestTimeout is raised or pending)."""
        thread_id, token = armed
        with self.condition:
            if self.deadlines.get(thread_id) == token:
                del self.deadlines[thread_id]
                return False
            return True

    def watch(self):
        with self.condition:
            while True:
                now = time.monotonic()
                for thread_id, (deadline, _) in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[thread_id]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                                   ctypes.py_object(RequestTimeout))
                self.wake_at = min((d for d, _ in self.deadlines.values()), default=None)
                self.condition.wait(None if self.wake_at is None else self.wake_at - now)


class Scorer:
    def __init__(self, module, max_concurrent, log):
        self.module = module
        self.log = log
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self.ready = threading.Event()
        self.watchdog = Watchdog()

    def init(self):
        try:
            self.module.init()
        except SystemExit:
            raise  # SIGTERM while init() runs: stop quietly
        except BaseException:
            LOG.exception("amlite: init() of the scoring script raised:")
            sys.exit(3)
        LOG.info("init() done")
        self.log.drain()  # init()'s lines are in get-logs before the instance reports ready
        self.ready.set()

    def score(self, raw_data, timeout_ms=None):
        with self.slots:
            if not timeout_ms:
                return self.module.run(raw_data)
            armed = self.watchdog.start(timeout_ms)
            try:
                result = self.module.run(raw_data)
            finally:
                fired = self.watchdog.stop(armed)
            if fired:  # fired between run()'s return and stop(): the exception is still on its way
                time.sleep(0.01)  # a bytecode boundary inside sleep() lets it arrive here, not in the next request
            return result


REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
           411: "Length Required", 413: "Payload Too Large", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 503: "Service Unavailable"}
MAX_HEAD = 64 * 1024


def handler_for(scorer, max_body):
    """A lean HTTP/1.1 handler: the router is its only client and always sends Content-Length, so the request head
    is split by hand (http.server's email-based parsing cost about five times run() on a small model) and each
    answer goes out in one write."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            sock = self.request
            if sock.family != socket.AF_UNIX:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffer = bytearray()
            while True:
                end = buffer.find(b"\r\n\r\n")
                while end < 0:
                    if len(buffer) > MAX_HEAD:
                        self.send(431, {"error": "The request head is too large."}, None, False)
                        return
                    chunk = sock.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                    end = buffer.find(b"\r\n\r\n")
                lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
                del buffer[:end + 4]
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    self.send(400, {"error": "Malformed request line."}, None, False)
                    return
                method, path, version = parts
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                request_id = headers.get("x-request-id")
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    self.send(411, {"error": "Send the body with Content-Length."}, request_id, False)
                    return
                try:
                    length = int(headers.get("content-length") or 0)
                except ValueError:
                    self.send(400, {"error": "Content-Length is not a number."}, request_id, False)
                    return
                if length > max_body:
                    self.send(413, {"error": f"The request body has {length} bytes; at most {max_body} are allowed."},
                              request_id, False)
                    return
                while len(buffer) < length:
                    chunk = sock.recv(max(65536, length - len(buffer)))
                    if not chunk:
                        return
                    buffer += chunk
                body = bytes(buffer[:length])
                del buffer[:length]
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                status, payload, keep_after = self.dispatch(method, path, headers, body, request_id)
                keep = keep and keep_after
                self.send(status, payload, request_id, keep)
                if not keep:
                    return

        def send(self, status, payload, request_id, keep):
            content_type, model_status = "application/json", ""
            if isinstance(payload, AMLResponse):  # the model's own answer: the router passes it on as it is
                content_type, model_status = payload.content_type, "x-amlite-model-status: 1\r\n"
                payload = payload.data
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
            content_type = content_type.replace("\r", "").replace("\n", "")
            head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(body)}\r\n" + model_status
                    + (f"x-request-id: {request_id}\r\n" if request_id else "")
                    + ("" if keep else "Connection: close\r\n") + "\r\n")
            try:
                self.request.sendall(head.encode("latin-1") + body)
            except OSError:
                pass  # the router gave up on this request (timeout): nobody is waiting for the answer

        def dispatch(self, method, full_path, headers, body, request_id):
            path = full_path.split("?")[0]
            if method == "GET" and path == "/live":
                return 200, {"status": "live"}, True
            if method == "GET" and path == "/ready":
                ready = scorer.ready.is_set()
                return (200 if ready else 503), {"status": "ready" if ready else "initializing"}, True
            if path != "/score":
                return 404, {"error": f"No such path {path}; POST /score, GET /live or /ready."}, True
            if method != "POST":
                return 405, {"error": "POST /score."}, True
            if not scorer.ready.is_set():
                return 503, {"error": "The model is still initializing."}, True
            if getattr(scorer.module.run, "__amlite_rawhttp__", False):
                given = AMLRequest(method, full_path, headers, body)
            else:
                given = body.decode("utf-8", errors="replace")
            timeout_ms = int(headers.get("x-amlite-timeout-ms") or 0)
            try:
                try:
                    result = scorer.score(given, timeout_ms)
                    answer = model_answer(result)
                    if answer is not None:
                        return answer.status_code, answer, True
                    return 200, json.dumps(result).encode("utf-8"), True
                except RequestTimeout:
                    LOG.warning("amlite: run() for request %s cancelled after %d ms (request_timeout_ms)",
                                request_id or "-", timeout_ms)
                    return 408, {"error": f"run() did not finish within {timeout_ms} ms and was cancelled."}, False
            except RequestTimeout:
                # The deadline fired just as run() returned: the router has answered 408 already.
                return 408, {"error": f"run() did not finish within {timeout_ms} ms."}, False
            except Exception as error:  # noqa: BLE001 - the user's code may raise anything
                LOG.exception("amlite: run() failed for request %s: %s: %s", request_id or "-",
                              type(error).__name__, error)
                return 500, {"error": f"{type(error).__name__}: {error}"}, True

    return Handler


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class LocalServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The same on a Unix domain socket: the router's way in, cheaper per request than loopback TCP."""
    daemon_threads = True
    request_queue_size = 128


def local_server(handler):
    """A LocalServer on amlite.sock in a new folder only this user may enter, removed at exit; None (with the reason
    in the log) when there can be none, e.g. a temporary directory whose path is too long for a socket."""
    folder = tempfile.mkdtemp(prefix="amlite-i")
    path = os.path.join(folder, "amlite.sock")
    try:
        if len(path) > 100:
            raise OSError(f"{path} has {len(path)} characters, a socket path at most 100 (set TMPDIR to a shorter "
                          "folder)")
        server = LocalServer(path, handler)
        os.chmod(path, 0o600)
    except OSError as error:
        LOG.warning("amlite: no local socket (%s); serving on TCP only", error)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    LEFT_BEHIND.append(folder)
    atexit.register(shutil.rmtree, folder, True)
    return server


class BatchedLog:
    """The stream behind the logging handler: lines collect in memory and reach stderr in one write every 50 ms,
    and at once for warnings and errors. A model that logs per request (Azure's samples do) then costs one pipe
    write per batch instead of a write, and a wake-up of the reader in the server, per line."""

    def __init__(self, fd, interval):
        self.fd = fd
        self.parts = []
        self.lock = threading.Lock()
        threading.Thread(target=self.flush_every, args=(interval,), name="log-flush", daemon=True).start()

    def write(self, text):
        with self.lock:
            self.parts.append(text)

    def flush(self):
        pass  # logging's StreamHandler flushes after every record; the batch goes out in drain()

    def drain(self):
        with self.lock:
            parts, self.parts = self.parts, []
        if parts:
            data = "".join(parts).encode("utf-8", errors="replace")
            while data:
                try:
                    data = data[os.write(self.fd, data):]
                except OSError:
                    return  # the server's end of the pipe is gone

    def flush_every(self, interval):
        while True:
            time.sleep(interval)
            self.drain()


class UrgentHandler(logging.StreamHandler):
    """Batches INFO and below; a WARNING or worse goes out at once with everything before it."""

    def emit(self, record):
        super().emit(record)
        if record.levelno >= logging.WARNING:
            self.stream.drain()


def configure_logging():
    sys.stderr.flush()
    batched = BatchedLog(sys.stderr.fileno(), 0.05)
    handler = UrgentHandler(batched)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    atexit.register(batched.drain)
    return batched


def exit_with_parent(parent):
    """Ends this instance when the server that started it is gone (even killed with SIGKILL): no orphans."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            # The server read this process's output: the pipe is most likely gone with it, and the log with it.
            for folder in LEFT_BEHIND:  # the server would have removed the socket once this process was gone
                shutil.rmtree(folder, ignore_errors=True)
            os._exit(0)


def main():
    batched_log = configure_logging()
    app_root = os.path.abspath(os.environ.get("AML_APP_ROOT", "."))
    entry = os.environ.get("AZUREML_ENTRY_SCRIPT", "score.py")
    port = int(os.environ.get("AMLITE_PORT", "0"))
    max_concurrent = max(1, int(os.environ.get("AMLITE_MAX_CONCURRENT", "1")))
    max_body = int(os.environ.get("AMLITE_MAX_BODY", str(100 * 1024 * 1024)))
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # exit through atexit: the log batch drains
    if os.environ.get("AMLITE_EXIT_WITH_PARENT") == "1":
        threading.Thread(target=exit_with_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    os.chdir(app_root)
    provide_azureml_modules()
    module = load_script(app_root, entry)
    scorer = Scorer(module, max_concurrent, batched_log)
    handler = handler_for(scorer, max_body)
    server = Server(("127.0.0.1", port), handler)
    local = local_server(handler) if os.environ.get("AMLITE_LOCAL_SOCKET") == "1" else None
    if local is not None:
        print(f"AMLITE-LISTENING-LOCAL {local.server_address}", flush=True)
        threading.Thread(target=local.serve_forever, name="http-local", daemon=True).start()
    print(f"AMLITE-LISTENING {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    LOG.info("serving %s with model dir %s", entry, os.environ.get("AZUREML_MODEL_DIR", ""))
    scorer.init()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
