//! The hub's own calls for desks: enrollment and invoice leases.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::desks::{self, Desk};
use crate::error::HubError;
use crate::leases::{self, Taken};
use crate::Hub;

#[derive(Deserialize)]
pub struct EnrollRequest {
    code: String,
}

/// `POST /hub/v1/enroll {code}` → 201 `{token, desk: {name, center_id}, desks}`.
pub async fn enroll(
    State(hub): State<Arc<Hub>>,
    body: Result<Json<EnrollRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HubError> {
    let Json(request) = body.map_err(|err| {
        HubError::bad_request("body_invalid", format!("expected {{\"code\": \"…\"}}: {}", err.body_text()))
    })?;
    let (desk, token) = desks::enroll(&hub.db, &request.code).await?;
    tracing::info!(desk = %desk.name, "desk enrolled");
    // How many desks share the organization's limit: the desk's fair share when the hub is away.
    let desks = desks::enrolled_count(&hub.db).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token.secret, "desk": {"name": desk.name, "center_id": desk.center_id}, "desks": desks})),
    )
        .into_response())
}

/// `GET /hub/v1/desk`: who the token belongs to (a desk checks its enrollment), and how many
/// desks are enrolled.
pub async fn whoami(State(hub): State<Arc<Hub>>, desk: Desk) -> Result<Json<serde_json::Value>, HubError> {
    let desks = desks::enrolled_count(&hub.db).await?;
    Ok(Json(json!({"name": desk.name, "center_id": desk.center_id, "desks": desks})))
}

#[derive(Deserialize)]
pub struct LeaseRequest {
    invoice_id: String,
    employee: String,
}

/// `POST /hub/v1/leases {invoice_id, employee}` → 201 `{lease, invoice_id, expires_at}` or 409
/// `{desk, employee, since, expires_at}`.
pub async fn take_lease(
    State(hub): State<Arc<Hub>>,
    desk: Desk,
    body: Result<Json<LeaseRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HubError> {
    let Json(request) = body.map_err(|err| {
        HubError::bad_request(
            "body_invalid",
            format!("expected {{\"invoice_id\": …, \"employee\": …}}: {}", err.body_text()),
        )
    })?;
    Ok(match leases::take(&hub.db, &desk, &request.invoice_id, &request.employee, hub.config.lease_ttl).await? {
        Taken::Granted(lease) => (StatusCode::CREATED, Json(json!(lease))).into_response(),
        Taken::Held(holder) => (
            StatusCode::CONFLICT,
            Json(json!({
                "desk": holder.desk, "employee": holder.employee, "since": holder.since, "expires_at": holder.expires_at,
                "error": {"code": 409, "hub_code": "invoice_leased",
                    "message": format!("{} at {} is redeeming on this invoice", holder.employee, holder.desk)}
            })),
        )
            .into_response(),
    })
}

/// `PUT /hub/v1/leases/{lease}` renews; 404 once it expired or was taken over.
pub async fn renew_lease(
    State(hub): State<Arc<Hub>>,
    desk: Desk,
    Path(lease): Path<String>,
) -> Result<Response, HubError> {
    match leases::renew(&hub.db, &desk, &lease, hub.config.lease_ttl).await? {
        Some(lease) => Ok(Json(json!(lease)).into_response()),
        None => Err(lease_gone()),
    }
}

/// `DELETE /hub/v1/leases/{lease}` releases (204); 404 if it was not the desk's or already gone.
pub async fn release_lease(
    State(hub): State<Arc<Hub>>,
    desk: Desk,
    Path(lease): Path<String>,
) -> Result<Response, HubError> {
    if leases::release(&hub.db, &desk, &lease).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(lease_gone())
    }
}

fn lease_gone() -> HubError {
    HubError::refused(StatusCode::NOT_FOUND, "lease_gone", "This lease expired or is not this desk's; take a new one.")
}
