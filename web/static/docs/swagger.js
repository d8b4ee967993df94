// Starts Swagger UI on the API document (a file, not an inline script: the pages' CSP runs no inline code).

const container = document.getElementById("swagger-ui-container");
const config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container" };
window.ui = window.SwaggerUIBundle({ ...config, ...JSON.parse(container.dataset.config || "{}") });
