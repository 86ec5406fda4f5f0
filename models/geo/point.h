#pragma once

namespace cdnlab {

struct GeoPoint {
  double latitude_deg = 0;
  double longitude_deg = 0;
};

// Great-circle distance on a spherical Earth (haversine, mean radius 6371 km).
double GreatCircleKm(const GeoPoint& a, const GeoPoint& b);

}  // namespace cdnlab
