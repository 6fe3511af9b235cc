// SHACL Core validation by rdf-validate-shacl (a W3C-conformant JavaScript validator), for careerkg's tests.
// Usage: node validate.mjs SHAPES.ttl DATA.ttl...
// Prints {"conforms": bool, "results": [{"focusNode", "path", "value", "sourceShape"}...]} as JSON.
import { readFileSync } from 'node:fs'
import factory from 'rdf-ext'
import { Parser } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'

function read (path) {
  const dataset = factory.dataset()
  for (const quad of new Parser({ baseIRI: 'file://' + path }).parse(readFileSync(path, 'utf8'))) dataset.add(quad)
  return dataset
}

const [shapesPath, ...dataPaths] = process.argv.slice(2)
const data = factory.dataset()
for (const path of dataPaths) data.addAll(read(path))
const validator = new SHACLValidator(read(shapesPath))
const report = await validator.validate(data)
const term = t => (t ? t.value : null)
console.log(JSON.stringify({
  conforms: report.conforms,
  results: report.results.map(r => ({
    focusNode: term(r.focusNode), path: term(r.path), value: term(r.value), sourceShape: term(r.sourceShape)
  }))
}))
