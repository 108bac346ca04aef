"""The `/v1` resources, one module each. Handlers take the request's decoded
params (already checked against the pinned SDK's param names, see
`emulator.params`) and return plain dicts; the server adds HTTP, auth,
idempotency and `expand[]`.
"""
