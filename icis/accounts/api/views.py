from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from icis.core.api.throttling import ClientScopedRateThrottle

from .. import services
from ..models import ApiToken, AuditEvent


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, help_text="6-digit code, for users with two-factor sign-in")


class TokenView(APIView):
    """Exchange a username and password (and a one-time code where set up) for an API token.

    Each call issues a new token, valid `ICIS_TOKEN_TTL_HOURS` (24 by default); the key is shown only
    in this answer. Throttled per client address (setting `ICIS_TOKEN_RATE`); over the limit answers 429.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequest,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
            )
        },
        auth=[],
    )
    def post(self, request):
        payload = TokenRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            raise serializers.ValidationError(_("Wrong username or password."), code="authorization")
        device = None
        if services.second_factor_needed(user):
            if not services.has_confirmed_device(user):
                raise serializers.ValidationError(
                    {"otp": [_("Set up two-factor sign-in at /accounts/2fa/setup/ first, then send its code.")]}
                )
            device = services.otp_verify(user, data.get("otp", ""))
            if device is None:
                services.audit_record(
                    action=AuditEvent.Action.LOGIN_FAILED,
                    user=user,
                    request=request,
                    subject="API: wrong one-time code",
                )
                raise serializers.ValidationError({"otp": [_("A valid one-time code is required for this account.")]})
        token, key = services.token_issue(user=user, second_factor=device is not None, request=request)
        return Response({"token": key, "expires": token.expires_at})


class ApiTokenSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField(help_text="The start of the key; the whole key is shown only when issued")
    current = serializers.SerializerMethodField(help_text="Whether this request was sent with this token")

    class Meta:
        model = ApiToken
        fields = ["id", "key", "created_at", "last_used_at", "expires_at", "expired", "second_factor", "current"]

    def get_key(self, token) -> str:
        return f"{token.prefix}…"

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class TokenListView(APIView):
    """Your own API tokens, newest first (expired ones until your next token replaces them)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ApiTokenSerializer(many=True)})
    def get(self, request):
        tokens = ApiToken.objects.filter(user=request.user)
        return Response(ApiTokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """Revoke one of your own tokens; it stops working at once. Other people's tokens are 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk, user=request.user)
        services.token_revoke(token=token, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
