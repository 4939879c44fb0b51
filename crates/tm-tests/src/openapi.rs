//! Checks against the OpenAPI description of v2 (`tm_mock::OPENAPI_JSON`): which operation a
//! wire request is, and whether a response body is valid for it (JSON Schema 2020-12).

use http::Method;
use serde_json::Value;

/// The parsed description with a lookup from (method, concrete path) to its operation.
#[derive(Debug)]
pub struct Description {
    doc: Value,
    /// (method in lower case, path template, template segments).
    ops: Vec<(String, String, Vec<String>)>,
}

/// What went wrong when checking a response against the description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch(pub String);

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// JSON-pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Description {
    /// The description the simulator serves.
    pub fn load() -> Self {
        let doc: Value =
            serde_json::from_str(tm_mock::OPENAPI_JSON).expect("openapi/v2.json is JSON");
        let mut ops = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                let segs = path
                    .trim_start_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                ops.push((method.clone(), path.clone(), segs));
            }
        }
        Self { doc, ops }
    }

    /// The raw document.
    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// Every (method, path template) the description has.
    pub fn operations(&self) -> Vec<(String, String)> {
        self.ops
            .iter()
            .map(|(m, p, _)| (m.clone(), p.clone()))
            .collect()
    }

    /// The operation object at (method, template).
    pub fn operation(&self, method: &str, template: &str) -> &Value {
        &self.doc["paths"][template][method.to_ascii_lowercase()]
    }

    /// The path template of the operation a request with `method` and `path` (below `/v2`,
    /// no query) is, if any. Literal segments win over `{parameters}`.
    pub fn template_of(&self, method: &Method, path: &str) -> Option<String> {
        let method = method.as_str().to_ascii_lowercase();
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        self.ops
            .iter()
            .filter(|(m, _, t)| {
                *m == method
                    && t.len() == segs.len()
                    && t.iter()
                        .zip(&segs)
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            // Fewest parameters first: `/trackings/get` before `/trackings/{carrier_code}/…`.
            .min_by_key(|(_, _, t)| t.iter().filter(|s| s.starts_with('{')).count())
            .map(|(_, p, _)| p.clone())
    }

    /// Validates `instance` against the schema at JSON pointer `pointer` of the document.
    pub fn validate_at(&self, pointer: &str, instance: &Value) -> Result<(), Mismatch> {
        if self.doc.pointer(pointer).is_none() {
            return Err(Mismatch(format!("no schema at {pointer}")));
        }
        // The whole document as the root, so `#/components/...` references resolve; its
        // non-schema members (`openapi`, `paths`, …) are unknown keywords and ignored.
        let mut root = self.doc.clone();
        root["$schema"] = Value::from("https://json-schema.org/draft/2020-12/schema");
        // A URI fragment: the braces of path templates must be percent-encoded.
        let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
        root["$ref"] = Value::from(format!("#{fragment}"));
        let validator = jsonschema::draft202012::new(&root)
            .map_err(|e| Mismatch(format!("schema at {pointer} does not compile: {e}")))?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Mismatch(errors.join("; ")))
        }
    }

    /// Validates a response (HTTP `status`, JSON `body`) to `method` `path` against its
    /// operation: the status must be documented and the body valid for its schema.
    pub fn validate_response(
        &self,
        method: &Method,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Mismatch> {
        let template = self
            .template_of(method, path)
            .ok_or_else(|| Mismatch(format!("{method} {path} is not in the description")))?;
        let m = method.as_str().to_ascii_lowercase();
        let status = status.to_string();
        if self.operation(&m, &template)["responses"][&status].is_null() {
            return Err(Mismatch(format!(
                "{method} {template}: HTTP {status} is not documented"
            )));
        }
        let pointer = format!(
            "/paths/{}/{m}/responses/{status}/content/application~1json/schema",
            escape(&template)
        );
        self.validate_at(&pointer, body)
            .map_err(|e| Mismatch(format!("{method} {path} → {status}: {e}")))
    }
}
