# A Topology Zoo-style GML file (hand-written for tests/scenarios/import/gml_reader_test.cpp).
graph [
  DateObtained "1/01/12"
  Network "SmallNet"
  Source "http://example.org/small"
  node [
    id 0
    label "Paris"
    Latitude 48.85341
    Longitude 2.3488
    Internal 1
    graphics [ x 1.0 y 2.0 ]
  ]
  node [
    id 1
    label "Lyon"
    Internal 1
  ]
  node [
    id 2
    label "Marseille"
    Latitude 43.29695
    Longitude 5.38107
    Internal 1
  ]
  edge [
    source 0
    target 1
    LinkSpeedRaw 10000000000.0
  ]
  edge [
    source 1
    target 2
    LinkType "OC-48"
  ]
]
