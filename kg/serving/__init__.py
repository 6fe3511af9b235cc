"""Serving: careerkg over HTTP (an ASGI application: the SPARQL 1.1 Protocol and a JSON API) and its OpenAPI
description. The top layer of the library: nothing in it is imported by anything below.
"""
