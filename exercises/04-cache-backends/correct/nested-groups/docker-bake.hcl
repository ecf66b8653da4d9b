variable "REGISTRY" {
  default = "localhost:5000/shop"
}

variable "TAG" {
  default = "dev"
}

group "default" {
  targets = ["services"]
}

group "services" {
  targets = ["orders-api", "packing-worker"]
}

# Settings both images share; each target below inherits them.
target "_base" {
  pull = false
  labels = {
    "org.opencontainers.image.source" = "https://github.com/your-org/shop"
  }
}

target "orders-api" {
  inherits = ["_base"]
  context  = "api/"
  tags     = ["${REGISTRY}/orders-api:${TAG}", "${REGISTRY}/orders-api:latest"]
  # A bare reference is a registry cache too; the export is an OCI image manifest.
  cache-from = ["${REGISTRY}/orders-api:cache"]
  cache-to   = ["type=registry,ref=${REGISTRY}/orders-api:cache,mode=max,image-manifest=true,oci-mediatypes=true"]
}

target "packing-worker" {
  inherits   = ["_base"]
  context    = "./worker"
  dockerfile = "Dockerfile"
  tags       = ["${REGISTRY}/packing-worker:${TAG}"]
  cache-from = ["${REGISTRY}/packing-worker:cache"]
  cache-to   = ["type=registry,ref=${REGISTRY}/packing-worker:cache,mode=max,image-manifest=true,oci-mediatypes=true"]
}
