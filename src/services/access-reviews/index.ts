export { closeAccessReview, createAccessReview, getAccessReview, listAccessReviews, verifyAccessReview } from './reviews.js';
export { diffAccessReviews, exportAccessReview, listReviewGrants } from './grants.js';
export { decideReviewGrant } from './decide.js';
