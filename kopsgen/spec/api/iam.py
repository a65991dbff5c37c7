"""`spec.iam` and `spec.serviceAccountIssuerDiscovery`: the IAM settings of the cluster's roles and of its
service accounts."""

from __future__ import annotations

from dataclasses import dataclass

from kopsgen.spec.api.fields import value_at


@dataclass(frozen=True)
class ServiceAccountExternalPermission:
    """An entry of `iam.serviceAccountExternalPermissions`: a service account that gets a role of its own."""

    namespace: str
    name: str
    inline_policy: str | None = None        # aws.inlinePolicy (JSON statements)
    policy_arns: tuple[str, ...] = ()       # aws.policyARNs


@dataclass(frozen=True)
class Iam:
    """`spec.iam`."""

    permissions_boundary: str | None = None
    allow_container_registry: bool = False
    use_service_account_external_permissions: bool = False
    service_account_external_permissions: tuple[ServiceAccountExternalPermission, ...] = ()

    @staticmethod
    def from_dict(d: dict) -> "Iam":
        return Iam(
            permissions_boundary=d.get("permissionsBoundary"),
            allow_container_registry=bool(d.get("allowContainerRegistry")),
            use_service_account_external_permissions=bool(d.get("useServiceAccountExternalPermissions")),
            service_account_external_permissions=tuple(
                ServiceAccountExternalPermission(e["namespace"], e["name"], value_at(e, "aws", "inlinePolicy"),
                                                 tuple(value_at(e, "aws", "policyARNs", default=())))
                for e in d.get("serviceAccountExternalPermissions") or ()),
        )


@dataclass(frozen=True)
class ServiceAccountIssuerDiscovery:
    """`spec.serviceAccountIssuerDiscovery`."""

    enable_aws_oidc_provider: bool = False
    additional_audiences: tuple[str, ...] = ()

    @staticmethod
    def from_spec(s: dict) -> "ServiceAccountIssuerDiscovery":
        return ServiceAccountIssuerDiscovery(
            enable_aws_oidc_provider=bool(value_at(s, "serviceAccountIssuerDiscovery", "enableAWSOIDCProvider")),
            additional_audiences=tuple(value_at(s, "serviceAccountIssuerDiscovery", "additionalAudiences", default=())))
