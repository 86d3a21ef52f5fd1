"""Review pages (issue 17, section 3): `feedback:my_reviews` (the signed-in user's reviews with their status, a
rejection's reason and edit links), `feedback:review_new` and `feedback:review_edit` (the form: stars 1–5, title,
text, photos, "show our company's name"), `feedback:moderation` (staff who moderate: the queue oldest first with
photos, approve / reject with a reason / reply; anyone else 404) and `feedback:review_photo` (a photo, served with the
review's visibility). Another user's review is a 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import documents, uploads
from portal.errors import DomainError, add_to_form

from .. import selectors
from ..forms import RejectForm, ReplyForm, ReviewForm
from ..models import Review, ReviewPhoto
from ..permissions import REVIEW_PHOTO, may_moderate
from ..services import reviews as service

STYLES = "css/feedback.css"


def _product(product_id):
    from catalog.models import Product

    try:
        product_id = int(product_id)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    return get_object_or_404(Product, pk=product_id)


@login_required
def my_reviews(request):
    return render(request, "feedback/my_reviews.html", {"reviews": selectors.my_reviews(actor=request.actor)})


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request, product_id):
    product = _product(product_id)
    actor = request.actor
    existing = service.own_review(actor, product)
    if existing is not None:
        messages.info(request, _("You have already reviewed this product; you can edit your review."))
        return redirect("feedback:review_edit", pk=existing.pk)
    refusal = service.why_not_review(actor, product)
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            service.submit_review(actor=actor, product=product, stars=data["stars"], title=data["title"],
                                  body=data["body"], photos=data["photos"], show_company=data["show_company"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you! Your review waits for moderation."))
            return redirect("feedback:my_reviews")
    return render(request, "feedback/review_form.html", {
        "form": form, "product": product, "refusal": refusal, "reward": _reward_note()})


def _reward_note():
    config = service.survey_settings()
    return config if config.reward_percent and config.reward_percent > 0 else None


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, pk):
    review = selectors.get_own_review(actor=request.actor, pk=pk)
    initial = {"stars": review.stars, "title": review.title, "body": review.body,
               "show_company": review.show_company}
    form = ReviewForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.edit_review(actor=request.actor, review=review, stars=data["stars"], title=data["title"],
                                body=data["body"], photos=data["photos"], show_company=data["show_company"],
                                remove_photos=request.POST.getlist("remove_photo"))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your review is saved and waits for moderation again."))
            return redirect("feedback:my_reviews")
    return render(request, "feedback/review_form.html", {
        "form": form, "product": review.product, "review": review, "refusal": None})


def _moderator(request):
    if not may_moderate(request.user):
        raise Http404
    return request.user


@login_required
def moderation(request):
    _moderator(request)
    return render(request, "feedback/moderation.html", {
        "reviews": selectors.moderation_queue(), "reject_form": RejectForm(), "reply_form": ReplyForm()})


def _queued_review(pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    return get_object_or_404(Review, pk=pk)


@login_required
@require_POST
def moderate(request, pk, action):
    """approve / reject (with a reason) / reply: one POST each from the queue, then back to it."""
    user = _moderator(request)
    review = _queued_review(pk)
    try:
        if action == "approve":
            service.approve(actor=user, review=review)
            messages.success(request, _("The review is published."))
        elif action == "reject":
            service.reject(actor=user, review=review, reason=request.POST.get("reason", ""))
            messages.success(request, _("The review is rejected; its author is told why."))
        elif action == "reply":
            service.reply(actor=user, review=review, body=request.POST.get("body", ""))
            messages.success(request, _("Your reply is saved."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("feedback:moderation")


@login_required
def review_photo(request, pk):
    """A review's photo: to everyone signed in once the review is published, before that to its author and
    moderators; 404 for anyone else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    photo = ReviewPhoto.objects.select_related("review").filter(pk=pk).first()
    if photo is None:
        raise Http404
    documents.check_download(request.user, REVIEW_PHOTO, photo)
    return uploads.file_response(photo.file, filename=uploads.safe_filename(f"review-{photo.review_id}-{photo.pk}",
                                                                           uploads.extension_of(photo.file.name)),
                                 content_type=photo.content_type)
