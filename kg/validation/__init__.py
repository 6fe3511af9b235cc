"""Validation: SHACL shapes for profiles and knowledge, run by pySHACL (the reference, and the W3C report)
or compiled into per-profile checks (the fast path, refused for shapes it does not implement).
"""
