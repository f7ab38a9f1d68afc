"""A local endpoint speaking the AWS Elemental MediaStore APIs (control plane and container data plane)."""

__version__ = "0.1.0"
