variable "REGISTRY" {
  default = "localhost:5000/shop"
}

# One place decides how a service's cache reference is spelled.
function "cache_ref" {
  params = [service]
  result = "${REGISTRY}/${service}:cache"
}

group "default" {
  targets = ["service"]
}

# A matrix makes one target per service: service-api and service-worker.
target "service" {
  name       = "service-${svc}"
  matrix     = { svc = ["api", "worker"] }
  context    = svc
  tags       = ["${REGISTRY}/${svc}:latest"]
  cache-from = ["type=registry,ref=${cache_ref(svc)}"]
  cache-to   = ["type=registry,ref=${cache_ref(svc)},mode=max,ignore-error=true"]
}
