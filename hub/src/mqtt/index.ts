/** The MQTT part: the embedded broker or an external one, the device plane, the device registry, discovery, the Mosquitto export. */
export { DeviceRegistry, type DeviceChanges, type DeviceRegistryOptions } from './device-registry.js';
export { MqttDevicePlane, type DeviceEvent, type CommandTopic, type DeviceMqttState, type MqttDevicePlaneOptions } from './device-plane.js';
export { EmbeddedBroker, MQTT_ERROR_CODES, type EmbeddedBrokerOptions } from './embedded-broker.js';
export { registerMqttMetrics, unregisteredMqttMetrics, type MqttMetrics, type MqttRejectReason } from './metrics.js';
export { MosquittoSync, type MosquittoSyncOptions } from './mosquitto-sync.js';
export { DEFAULT_EXPORT_LIMITS, exportMosquitto, renderMosquittoExport, writeMosquittoExport, type MosquittoExport } from './mosquitto-export.js';
export { HUB_STATUS_TOPIC, lastHeardTopic } from './discovery.js';
export { mqttCommands } from './cli.js';
