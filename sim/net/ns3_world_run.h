#pragma once
// One experiment run on ns-3's global simulator: seed its random streams, build the world,
// run it for `duration_s` of simulated time, take its result, and leave ns-3 clean for the
// next run in this process (also when building or running the world throws).
#include <cstdint>
#include <utility>

#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

namespace cdnlab {

// World: constructible from `args`, with Start() and Result().
template <typename World, typename... Args>
auto RunNs3World(std::uint64_t seed, double duration_s, Args&&... args) {
  ns3::RngSeedManager::SetSeed(1);
  ns3::RngSeedManager::SetRun(seed);
  decltype(std::declval<World&>().Result()) result;
  try {
    World world(std::forward<Args>(args)...);
    world.Start();
    ns3::Simulator::Stop(ns3::Seconds(duration_s));
    ns3::Simulator::Run();
    result = world.Result();
  } catch (...) {
    ns3::Simulator::Destroy();
    throw;
  }
  ns3::Simulator::Destroy();
  return result;
}

}  // namespace cdnlab
