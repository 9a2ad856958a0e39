//! Renders problem documents in the client's language. `ApiError::error_response()` has no
//! request, so it answers in English; here, when `Accept-Language` prefers Chinese, the body
//! of an error response is rendered again from the `ApiError` the response carries. Headers
//! (Retry-After, Allow, WWW-Authenticate, …) and the status stay as they were.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::middleware::Next;

use crate::error::ApiError;
use crate::i18n::Lang;

pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::preferred(req.headers());
    if lang == Lang::En {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    match next.call(req).await {
        Ok(res) => {
            let body = res
                .response()
                .error()
                .and_then(|e| e.as_error::<ApiError>())
                .map(|api| problem_json(api, lang));
            Ok(match body {
                Some(body) => res.map_body(|_, _| BoxBody::new(body)),
                None => res.map_into_boxed_body(),
            })
        }
        // An error a middleware returned (rather than answered with) has no response yet:
        // hand on one that answers in the client's language. (The request cannot be kept
        // here: actix needs to own it alone while routing.)
        Err(e) => match e.as_error::<ApiError>() {
            Some(api) => {
                Err(InternalError::from_response(api.to_string(), api.response_in(lang)).into())
            }
            None => Err(e),
        },
    }
}

fn problem_json(api: &ApiError, lang: Lang) -> String {
    serde_json::to_string(&api.problem_in(lang)).unwrap_or_default()
}
