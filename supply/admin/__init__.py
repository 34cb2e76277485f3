"""The secretariat's admin for supply coordination, one module per screen family: the request queue (requests),
commitments, their shipments with checkpoints (shipments), capacity and qualifications (capacity), and their list
filters (filters). Every change goes through
supply.services; a service's refusal is an admin message, never a 500 (alliance_portal.admin_tools)."""

from . import capacity, commitments, requests, shipments

__all__ = ["capacity", "commitments", "requests", "shipments"]
