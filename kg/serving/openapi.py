"""The OpenAPI 3.1 description of ``careerkg serve``'s JSON endpoints (served at ``/openapi.json``)."""

from __future__ import annotations

from typing import Any

from careerkg.formats import format_named
from careerkg.serving.app import BODY_FORMATS

__all__ = ["openapi_document"]

#: The schema of a profile body in each format the server reads (text, for the formats not listed).
_BODY_SCHEMAS: dict[str, dict[str, Any]] = {
    "json": {"$ref": "#/components/schemas/ProfileJson"},
    "json-ld": {"type": "object"},
}

_PROFILE_BODY = {
    "required": True,
    "description": "One profile document: JSON (an object, an array or JSON Lines, with careerkg's bundled "
    "context), JSON-LD, Turtle, N-Triples or RDF/XML. The Content-Type says which; without one the content "
    "decides.",
    "content": {
        format_named(name).media_types[0]: {"schema": _BODY_SCHEMAS.get(name, {"type": "string"})}
        for name in BODY_FORMATS
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_INPUT_ERRORS = {
    "400": _error(
        "The body, or some records in it, cannot be read (the message names the problem and where); when "
        "some records were read, `unreadable` lists the others and `results` holds the answers for the good ones."
    ),
    "413": _error("The body is larger than the server's limit."),
    "415": _error("The Content-Type is not a profile format careerkg reads."),
}


def _invalid(schema: str) -> dict[str, Any]:
    return {
        "description": "Some profiles fail the SHACL shapes: their violations, and the answers for the valid ones.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error", "violations", "results"],
                    "properties": {
                        "error": {"type": "string"},
                        "violations": {"type": "array", "items": {"$ref": "#/components/schemas/Violation"}},
                        "leftOut": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Statements of careerkg's knowledge the body made, left out (a profile "
                            "may not declare roles, skills, requirements or moves).",
                        },
                        "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}},
                    },
                }
            }
        },
    }


def openapi_document(version: str) -> dict[str, Any]:
    """The OpenAPI document; ``version`` is careerkg's."""
    iri = {"type": "string", "format": "iri"}
    nullable_iri = {"type": ["string", "null"], "format": "iri"}
    score = {
        "type": "object",
        "properties": {
            k: {"type": "integer"} for k in ("essentialMet", "essentialTotal", "optionalMet", "optionalTotal")
        },
    }
    requirement = {
        "type": "object",
        "required": ["requirement", "label", "essential", "met", "metBy"],
        "properties": {
            "requirement": iri,
            "label": {"type": "string"},
            "essential": {"type": "boolean"},
            "met": {"type": "boolean"},
            "metBy": {
                "type": "array",
                "description": "The profile's statements that meet the requirement.",
                "items": {
                    "type": "object",
                    "properties": {"property": iri, "value": {"type": "string"}, "label": {"type": "string"}},
                },
            },
        },
    }
    move = {
        "type": "object",
        "required": ["role", "label", "transition", "transitionLabel", "score"],
        "properties": {
            "role": iri,
            "label": {"type": "string"},
            "transition": iri,
            "transitionLabel": {"type": "string"},
            "score": {"$ref": "#/components/schemas/Score"},
            "requirements": {"type": "array", "items": {"$ref": "#/components/schemas/Requirement"}},
            "provenance": {
                "type": "object",
                "description": "Where the move comes from: the source, its section headings and why.",
                "properties": {
                    "source": nullable_iri,
                    "sourceTitle": {"type": "string"},
                    "sections": {"type": "array", "items": {"type": "string"}},
                    "justification": {"type": ["string", "null"]},
                    "derivedFrom": nullable_iri,
                },
            },
        },
    }
    profile_head = {
        "profile": iri,
        "currentRole": nullable_iri,
        "currentRoleLabel": {"type": ["string", "null"]},
        "name": {"type": "string", "description": "The person's name, where the profile gives one."},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "careerkg",
            "version": version,
            "summary": "Career moves from a knowledge graph: eligibility, gaps and validation of profiles.",
            "description": "Every answer is the same JSON as the careerkg command line's --format json. "
            "SPARQL queries go to /sparql (the SPARQL 1.1 Protocol, read-only), which this document does "
            "not describe further.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {
            "/eligible": {
                "post": {
                    "operationId": "eligible",
                    "summary": "The roles each profile may move to next, by OWL 2 RL inference.",
                    "parameters": [
                        {
                            "name": "explain",
                            "in": "query",
                            "required": False,
                            "description": "Add each requirement with the fact that met it, and the provenance.",
                            "schema": {"type": "boolean", "default": False},
                        }
                    ],
                    "requestBody": _PROFILE_BODY,
                    "responses": {
                        "200": {
                            "description": "One object per profile.",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Eligibility"}}
                                }
                            },
                        },
                        "422": _invalid("Eligibility"),
                        **_INPUT_ERRORS,
                    },
                }
            },
            "/gaps": {
                "post": {
                    "operationId": "gaps",
                    "summary": "What is missing for the moves not yet open, closest first.",
                    "parameters": [
                        {
                            "name": "target",
                            "in": "query",
                            "required": False,
                            "description": "Only the move into this role (IRI, ck: CURIE, local name or label).",
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": _PROFILE_BODY,
                    "responses": {
                        "200": {
                            "description": "One object per profile.",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Gaps"}}
                                }
                            },
                        },
                        "422": _invalid("Gaps"),
                        **_INPUT_ERRORS,
                    },
                }
            },
            "/validate": {
                "post": {
                    "operationId": "validate",
                    "summary": "Validate profiles against careerkg's SHACL shapes.",
                    "requestBody": _PROFILE_BODY,
                    "responses": {
                        "200": {
                            "description": "Whether every profile conforms, and each violation.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Validation"}}},
                        },
                        **_INPUT_ERRORS,
                    },
                }
            },
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "The server is up; what it holds and its limits.",
                    "responses": {
                        "200": {
                            "description": "Status.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["status"],
                                        "properties": {
                                            "status": {"const": "ok"},
                                            "version": {"type": "string"},
                                            "reasoner": {"type": "string"},
                                            "triples": {"type": "integer"},
                                            "profiles": {"type": "integer"},
                                            "profilesLoadedNow": {"type": "integer"},
                                            "timeLimitSeconds": {"type": "number"},
                                            "maxResults": {"type": "integer"},
                                            "maxBodyBytes": {"type": "integer"},
                                            "maxQueryBytes": {"type": "integer"},
                                            "queryWorkersWithoutNetwork": {"type": "boolean"},
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "ProfileJson": {
                    "description": "A profile in careerkg's plain JSON (see the bundled context).",
                    "type": ["object", "array"],
                    "examples": [
                        {
                            "@id": "https://example.org/ada",
                            "currentRole": "ProductManager",
                            "yearsInRole": 5,
                            "skills": ["Coding", "DataAnalysis"],
                        }
                    ],  # fmt: skip
                },
                "Score": score,
                "Requirement": requirement,
                "Move": move,
                "Eligibility": {
                    "type": "object",
                    "required": ["profile", "currentRole", "currentRoleLabel", "eligible"],
                    "properties": {
                        **profile_head,
                        "eligible": {"type": "array", "items": {"$ref": "#/components/schemas/Move"}},
                    },
                },
                "Gaps": {
                    "type": "object",
                    "required": ["profile", "currentRole", "currentRoleLabel", "gaps"],
                    "properties": {
                        **profile_head,
                        "gaps": {
                            "type": "array",
                            "items": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/Move"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "eligible": {"type": "boolean"},
                                            "missing": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Requirement"},
                                            },
                                            "sections": {"type": "array", "items": {"type": "string"}},
                                        },
                                    },
                                ]
                            },
                        },
                        "note": {"type": "string"},
                        "target": {"type": ["string", "null"]},
                        "routes": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                        "changes": {
                            "description": "Each single change (a skill learnt, a threshold met) that meets a "
                            "missing requirement, with the moves it alone opens, most first.",
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "kind": {"type": "string", "enum": ["skill", "threshold"]},
                                    "iri": {"type": "string"},
                                    "label": {"type": "string"},
                                    "opens": {"type": "integer"},
                                    "moves": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"role": {"type": "string"}, "label": {"type": "string"}},
                                        },
                                    },
                                },
                            },
                        },
                        "nearMisses": {
                            "description": "The moves exactly one essential requirement away, with it.",
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "role": {"type": "string"},
                                    "label": {"type": "string"},
                                    "requirement": {"type": "string"},
                                    "requirementLabel": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "Violation": {
                    "type": "object",
                    "required": ["profile", "message", "severity"],
                    "properties": {
                        "profile": {"type": "string"},
                        "property": nullable_iri,
                        "value": {"type": ["string", "null"]},
                        "message": {"type": "string"},
                        "severity": {"type": "string"},
                    },
                },
                "Validation": {
                    "type": "object",
                    "required": ["conforms", "violations"],
                    "properties": {
                        "conforms": {"type": "boolean"},
                        "violations": {"type": "array", "items": {"$ref": "#/components/schemas/Violation"}},
                    },
                },
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            }
        },
    }
