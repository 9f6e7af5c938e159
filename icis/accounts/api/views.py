from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import services


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(required=False, help_text="6-digit code, for users with two-factor sign-in")


class TokenView(APIView):
    """Exchange a username and password (and a one-time code where set up) for an API token.

    Throttled per client address (setting `ICIS_TOKEN_RATE`); over the limit answers 429.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequest,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        payload = TokenRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            raise serializers.ValidationError(_("Wrong username or password."), code="authorization")
        if services.second_factor_needed(user) and not services.otp_verify(user, data.get("otp", "")):
            raise serializers.ValidationError({"otp": [_("A valid one-time code is required for this account.")]})
        token, _created = Token.objects.get_or_create(user=user)
        services.audit_record(action="token", user=user, request=request)
        return Response({"token": token.key})
