"""MSAL Python against the mock Entra ID: one confidential-client token request, as an app makes it.

The job arrives as JSON on stdin:
  authority, client_id, scopes, private_key_path, thumbprint (SHA-1 hex),
  public_certificate_path (optional: sends x5c), client_claims (optional),
  instance_discovery (false, or an instance discovery URL; absent: MSAL's default)
One JSON object leaves on stdout:
  msal_version, result (the dict acquire_token_for_client returned, or null),
  exception (type and message when MSAL raised, else null),
  requests (every URL MSAL asked for), refused (those the loopback guard stopped).

Trust comes from REQUESTS_CA_BUNDLE, set by the test to the mock's CA. A guard inside requests'
transport refuses every host but the loopback address before any connection is made, so nothing
leaves the machine even when MSAL wants to call login.microsoftonline.com.
"""
import json
import sys
from urllib.parse import urlsplit

import requests.adapters
import requests.exceptions

import msal

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
seen = []
refused = []
_send = requests.adapters.HTTPAdapter.send


def loopback_only_send(adapter, request, *args, **kwargs):
    seen.append(request.url)
    host = urlsplit(request.url).hostname
    if host not in LOOPBACK:
        refused.append(request.url)
        raise requests.exceptions.ConnectionError(
            "interop loopback guard: refused %s (only 127.0.0.1 is allowed)" % request.url)
    return _send(adapter, request, *args, **kwargs)


requests.adapters.HTTPAdapter.send = loopback_only_send


def main():
    job = json.load(sys.stdin)
    with open(job["private_key_path"], encoding="ascii") as f:
        credential = {"private_key": f.read(), "thumbprint": job["thumbprint"]}
    if job.get("public_certificate_path"):
        with open(job["public_certificate_path"], encoding="ascii") as f:
            credential["public_certificate"] = f.read()
    options = {}
    if "instance_discovery" in job:
        options["instance_discovery"] = job["instance_discovery"]
    if job.get("client_claims"):
        options["client_claims"] = job["client_claims"]

    result = None
    exception = None
    try:
        app = msal.ConfidentialClientApplication(
            job["client_id"], authority=job["authority"], client_credential=credential, **options)
        result = app.acquire_token_for_client(scopes=job["scopes"])
    except Exception as error:  # what the app's caller would see
        exception = "%s: %s" % (type(error).__name__, error)
    json.dump({
        "msal_version": msal.__version__,
        "result": result,
        "exception": exception,
        "requests": seen,
        "refused": refused,
    }, sys.stdout)
    sys.stdout.write("\n")


main()
