"""Product reviews through the REST API (issue 17, section 3). The same services, selectors and permissions as the
pages:

- GET /me/reviews/ (the signed-in dealer user's own reviews, any status), POST /me/reviews/ (JSON, or multipart with
  `photos`) → 201; PATCH /me/reviews/{id}/ (only the fields given; a published or rejected review waits for
  moderation again). A session, or a token with scope `account`; another user's review is a 404.
- GET /products/{id}/reviews/?stars=1..5&sort=newest|helpful|highest|lowest: a product's published reviews,
  anonymised ("A dealer in İzmir, gold tier") unless the dealer opted in to its name, with our reply, the helpful
  count and whether the reviewer received the review reward."""
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dealers.api import DealerAccountMixin
from dealers.api.common import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND
from portal.api_auth import HasScope
from portal.api_parsers import JSONParser
from portal.models import ApiToken

from .. import selectors
from ..models import ReviewStatus
from ..services import reviews as service

STATUSES = ", ".join(ReviewStatus.values)
STRICT_JSON = [JSONParser, MultiPartParser, FormParser]
MAX_ID = 2**63 - 1


def _absolute(request, url):
    return request.build_absolute_uri(url) if request is not None else url


class ReviewPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The photo (served to who may see the review).")

    def get_url(self, photo) -> str:
        return _absolute(self.context.get("request"), reverse("feedback:review_photo", args=[photo.pk]))


class PublishedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stars = serializers.IntegerField(help_text="1 to 5.")
    title = serializers.CharField()
    body = serializers.CharField()
    language = serializers.CharField()
    author = serializers.SerializerMethodField(
        help_text="Anonymised (“A dealer in İzmir, gold tier”) unless the dealer chose to show its company's name.")
    verified_buyer = serializers.SerializerMethodField(
        help_text="Always true: only dealers who received the product can review it.")
    rewarded = serializers.BooleanField(help_text="The reviewer received a discount for submitting a review (granted "
                                                  "whatever the rating).")
    helpful_count = serializers.IntegerField()
    reply = serializers.CharField(help_text="Our reply, or empty.")
    replied_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    photos = ReviewPhotoSerializer(many=True, source="photos.all")

    def get_author(self, review) -> str:
        return service.author_label(review)

    def get_verified_buyer(self, review) -> bool:
        return True


class MyReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.IntegerField(source="product_id")
    stars = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    show_company = serializers.BooleanField()
    status = serializers.CharField(help_text=f"One of: {STATUSES}.")
    status_label = serializers.CharField(source="get_status_display")
    rejection_reason = serializers.CharField(help_text="Why it was rejected (empty otherwise).")
    rewarded = serializers.BooleanField()
    helpful_count = serializers.IntegerField()
    reply = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    photos = ReviewPhotoSerializer(many=True, source="photos.all")


class ReviewInSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The product's id.")
    stars = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=5000)
    show_company = serializers.BooleanField(required=False, default=False,
                                            help_text="Show your company's name with the review (default: no).")


class ReviewMultipartSerializer(ReviewInSerializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5,
                                   help_text="Up to 5 photos (JPEG, PNG or WebP by their content), 5 MB each.")


class ReviewPatchSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False)
    title = serializers.CharField(max_length=120, required=False)
    body = serializers.CharField(max_length=5000, required=False)
    show_company = serializers.BooleanField(required=False)
    remove_photos = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
                                          required=False, default=list, max_length=5,
                                          help_text="Ids of photos to remove.")


class ReviewPatchMultipartSerializer(ReviewPatchSerializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5,
                                   help_text="Photos to add (at most 5 in all).")


def _multipart(request) -> bool:
    content_type = request.content_type or ""
    return content_type.startswith("multipart/") or content_type.startswith("application/x-www-form-urlencoded")


def _product(pk):
    from catalog.models import Product

    return get_object_or_404(Product, pk=pk)


class MyReviewListView(DealerAccountMixin, APIView):
    pagination_class = PageNumberPagination
    parser_classes = STRICT_JSON

    @extend_schema(description="Your own reviews, newest first, with their moderation status and a rejection's "
                               "reason.", responses={200: MyReviewSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.my_reviews(actor=self.actor), request, view=self)
        return paginator.get_paginated_response(MyReviewSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        description="Review a product your company received (a delivered shipment of it): 1–5 stars, title, text, "
                    "optionally your company's name; photos only as multipart/form-data (`photos`, repeated). It "
                    "waits for moderation. 201 with the review. Refusals: 403 `feedback.review_not_allowed` (not a "
                    "verified buyer, a role that does not review), 409 `feedback.already_reviewed` (edit yours), "
                    "400 `feedback.review_invalid`, `feedback.bad_review_photo`.",
        request={"application/json": ReviewInSerializer, "multipart/form-data": ReviewMultipartSerializer},
        responses={201: MyReviewSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT})
    def post(self, request):
        multipart = _multipart(request)
        data = (ReviewMultipartSerializer if multipart else ReviewInSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = service.submit_review(
            actor=self.actor, product=_product(values["product"]), stars=values["stars"], title=values["title"],
            body=values["body"], show_company=values["show_company"],
            photos=request.FILES.getlist("photos") if multipart else ())
        review = selectors.get_own_review(actor=self.actor, pk=review.pk)
        return Response(MyReviewSerializer(review, context={"request": request}).data, status=status.HTTP_201_CREATED)


class MyReviewDetailView(DealerAccountMixin, APIView):
    parser_classes = STRICT_JSON

    @extend_schema(description="One of your reviews; another user's review is a 404.",
                   responses={200: MyReviewSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk):
        review = selectors.get_own_review(actor=self.actor, pk=pk)
        return Response(MyReviewSerializer(review, context={"request": request}).data)

    @extend_schema(
        description="Edit your review (only the fields you send); a published or rejected review waits for "
                    "moderation again. Photos to add only as multipart/form-data.",
        request={"application/json": ReviewPatchSerializer, "multipart/form-data": ReviewPatchMultipartSerializer},
        responses={200: MyReviewSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND})
    def patch(self, request, pk):
        review = selectors.get_own_review(actor=self.actor, pk=pk)
        multipart = _multipart(request)
        data = (ReviewPatchMultipartSerializer if multipart else ReviewPatchSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        values = {key: value for key, value in data.validated_data.items()
                  if key in ("stars", "title", "body", "show_company")}
        service.edit_review(actor=self.actor, review=review, remove_photos=data.validated_data["remove_photos"],
                            photos=request.FILES.getlist("photos") if multipart else (), **values)
        review = selectors.get_own_review(actor=self.actor, pk=pk)
        return Response(MyReviewSerializer(review, context={"request": request}).data)


class ProductReviewsView(APIView):
    permission_classes = [HasScope(ApiToken.Scope.ACCOUNT)]

    @extend_schema(
        description="A product's published reviews, anonymised unless the dealer chose to show its name, with our "
                    "reply. Every review comes from a dealer that received the product (a delivered shipment).",
        parameters=[OpenApiParameter("stars", int, description="Only reviews with this many stars (1–5)."),
                    OpenApiParameter("sort", str, description="newest (default), helpful, highest or lowest.")],
        responses={200: PublishedReviewSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, product_id):
        product = _product(product_id)
        rows = selectors.published_reviews(product=product, stars=request.query_params.get("stars"),
                                           sort=request.query_params.get("sort") or "newest")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(
            PublishedReviewSerializer(page, many=True, context={"request": request}).data)
