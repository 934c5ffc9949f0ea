/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-device.c: the Vulkan loader, the instance (with validation when asked) and the
 * choice of a physical device.
 *
 * Owns the ranking of devices (discrete > integrated > virtual > CPU, enumeration order
 * breaking ties), the user's choice by index or name, and everything that turns "no Vulkan
 * here" into a readable GError. It must not record commands or allocate tensors.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include <string.h>

#include "cep-vulkan-private.h"

#if defined(G_OS_WIN32)
#define LOADER_NAME "vulkan-1.dll"
#elif defined(__APPLE__)
#define LOADER_NAME "libvulkan.1.dylib"
#else
#define LOADER_NAME "libvulkan.so.1"
#endif

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

/* Loader */

gboolean
_cep_vulkan_open_loader (CepVulkanFunctions *vk,
                         GModule           **library,
                         GError            **error)
{
  const char *name = g_getenv ("CEPSTRA_VULKAN_LIBRARY");
  gpointer symbol = NULL;

  if (name == NULL || *name == '\0')
    name = LOADER_NAME;
  *library = g_module_open (name, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (*library == NULL || !g_module_symbol (*library, "vkGetInstanceProcAddr", &symbol))
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: no Vulkan loader (%s could not be opened: %s); install the "
                   "Vulkan loader and a driver, or use the blas backend", name,
                   g_module_error ());
      g_clear_pointer (library, g_module_close);
      return FALSE;
    }
  memset (vk, 0, sizeof *vk);
  vk->GetInstanceProcAddr = (PFN_vkGetInstanceProcAddr) symbol;
#define LOAD_GLOBAL(fn) vk->fn = (PFN_vk##fn) vk->GetInstanceProcAddr (NULL, "vk" #fn);
  CEP_VULKAN_GLOBAL_FUNCTIONS (LOAD_GLOBAL)
#undef LOAD_GLOBAL
  if (vk->CreateInstance == NULL || vk->EnumerateInstanceExtensionProperties == NULL)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: %s is not a usable Vulkan loader", name);
      g_clear_pointer (library, g_module_close);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_instance_functions (CepVulkanFunctions *vk,
                         VkInstance          instance,
                         gboolean            with_debug)
{
  gboolean complete = TRUE;

#define LOAD_INSTANCE(fn) \
  vk->fn = (PFN_vk##fn) vk->GetInstanceProcAddr (instance, "vk" #fn); \
  complete = complete && vk->fn != NULL;
  CEP_VULKAN_INSTANCE_FUNCTIONS (LOAD_INSTANCE)
  if (with_debug)
    {
      CEP_VULKAN_DEBUG_FUNCTIONS (LOAD_INSTANCE)
    }
#undef LOAD_INSTANCE
  return complete;
}

static gboolean
load_device_functions (CepVulkanFunctions *vk,
                       VkDevice            device)
{
  gboolean complete = TRUE;

#define LOAD_DEVICE(fn) \
  vk->fn = (PFN_vk##fn) vk->GetDeviceProcAddr (device, "vk" #fn); \
  complete = complete && vk->fn != NULL;
  CEP_VULKAN_DEVICE_FUNCTIONS (LOAD_DEVICE)
#undef LOAD_DEVICE
  return complete;
}

/* Instance */

static gboolean
has_instance_extension (CepVulkanFunctions *vk,
                        const char         *layer,
                        const char         *name)
{
  uint32_t count = 0;
  gboolean found = FALSE;

  if (vk->EnumerateInstanceExtensionProperties (layer, &count, NULL) != VK_SUCCESS)
    return FALSE;
  g_autofree VkExtensionProperties *props = g_new0 (VkExtensionProperties, MAX (count, 1));
  if (vk->EnumerateInstanceExtensionProperties (layer, &count, props) != VK_SUCCESS)
    return FALSE;
  for (uint32_t i = 0; i < count && !found; i++)
    found = strcmp (props[i].extensionName, name) == 0;
  return found;
}

static gboolean
has_layer (CepVulkanFunctions *vk,
           const char         *name)
{
  uint32_t count = 0;
  gboolean found = FALSE;

  if (vk->EnumerateInstanceLayerProperties (&count, NULL) != VK_SUCCESS)
    return FALSE;
  g_autofree VkLayerProperties *props = g_new0 (VkLayerProperties, MAX (count, 1));
  if (vk->EnumerateInstanceLayerProperties (&count, props) != VK_SUCCESS)
    return FALSE;
  for (uint32_t i = 0; i < count && !found; i++)
    found = strcmp (props[i].layerName, name) == 0;
  return found;
}

/* Every validation (or performance) message is a failure of ours: count it and warn (fatal
 * in tests). General messages come from the loader — "Found no drivers!" while the instance
 * is created on a machine without Vulkan — and are only passed on. */
static VkBool32 VKAPI_PTR
on_validation_message (VkDebugUtilsMessageSeverityFlagBitsEXT      severity,
                       VkDebugUtilsMessageTypeFlagsEXT             types,
                       const VkDebugUtilsMessengerCallbackDataEXT *data,
                       void                                       *user_data)
{
  CepVulkanContext *ctx = user_data;
  const char *text = data->pMessage != NULL ? data->pMessage : "(no text)";

  if ((types & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)) == 0)
    {
      g_message ("vulkan: %s", text);
      return VK_FALSE;
    }
  ctx->validation_messages++;
  g_warning ("vulkan validation: %s", text);
  return VK_FALSE;
}

static VkDebugUtilsMessengerCreateInfoEXT
messenger_info (CepVulkanContext *ctx)
{
  return (VkDebugUtilsMessengerCreateInfoEXT) {
    .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
    .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
    .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
    .pfnUserCallback = on_validation_message,
    .pUserData = ctx,
  };
}

typedef struct
{
  const char                        *layers[1];
  const char                        *extensions[2];
  VkInstanceCreateInfo               info;
  VkApplicationInfo                  app;
  VkDebugUtilsMessengerCreateInfoEXT messenger;
  VkValidationFeaturesEXT            features;
  VkValidationFeatureEnableEXT       enables[2];
} InstanceRequest;

static gboolean
request_validation (CepVulkanContext   *ctx,
                    CepVulkanValidation validation,
                    InstanceRequest    *req,
                    GError            **error)
{
  if (!has_layer (&ctx->vk, VALIDATION_LAYER) ||
      !has_instance_extension (&ctx->vk, NULL, VK_EXT_DEBUG_UTILS_EXTENSION_NAME))
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: validation asked for but %s (package vulkan-validationlayers) "
                   "or VK_EXT_debug_utils is missing", VALIDATION_LAYER);
      return FALSE;
    }
  req->layers[0] = VALIDATION_LAYER;
  req->info.enabledLayerCount = 1;
  req->info.ppEnabledLayerNames = req->layers;
  req->extensions[req->info.enabledExtensionCount++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
  req->messenger = messenger_info (ctx);
  req->info.pNext = &req->messenger;
  if (validation == CEP_VULKAN_VALIDATION_GPU_ASSISTED)
    {
      req->enables[0] = VK_VALIDATION_FEATURE_ENABLE_GPU_ASSISTED_EXT;
      req->enables[1] = VK_VALIDATION_FEATURE_ENABLE_GPU_ASSISTED_RESERVE_BINDING_SLOT_EXT;
      req->features = (VkValidationFeaturesEXT) {
        .sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT,
        .enabledValidationFeatureCount = 2,
        .pEnabledValidationFeatures = req->enables,
      };
      req->messenger.pNext = &req->features;
    }
  return TRUE;
}

static guint32
instance_api_version (CepVulkanFunctions *vk)
{
  uint32_t version = VK_API_VERSION_1_0;

  if (vk->EnumerateInstanceVersion != NULL)
    vk->EnumerateInstanceVersion (&version);
  return version;
}

gboolean
_cep_vulkan_create_instance (CepVulkanContext   *ctx,
                             CepVulkanValidation validation,
                             GError            **error)
{
  InstanceRequest req = { 0 };
  gboolean debug = validation != CEP_VULKAN_VALIDATION_NONE;

  if (instance_api_version (&ctx->vk) < VK_API_VERSION_1_1)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: the Vulkan loader is older than 1.1");
      return FALSE;
    }
  req.app = (VkApplicationInfo) {
    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
    .pApplicationName = "Cepstra",
    .pEngineName = "cepstra",
    .apiVersion = VK_API_VERSION_1_1,
  };
  req.info = (VkInstanceCreateInfo) {
    .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
    .pApplicationInfo = &req.app,
    .ppEnabledExtensionNames = req.extensions,
  };
  if (has_instance_extension (&ctx->vk, NULL, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME))
    {
      req.extensions[req.info.enabledExtensionCount++] =
        VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME;
      req.info.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
    }
  if (debug && !request_validation (ctx, validation, &req, error))
    return FALSE;
  VkResult result = ctx->vk.CreateInstance (&req.info, NULL, &ctx->instance);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: no Vulkan driver found (the loader has no usable driver); "
                   "install one for your GPU, or use the blas backend");
      return FALSE;
    }
  if (result != VK_SUCCESS)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: cannot create an instance (%s)", _cep_vulkan_result_string (result));
      return FALSE;
    }
  if (!load_instance_functions (&ctx->vk, ctx->instance, debug))
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: the loader lacks Vulkan 1.1 instance functions");
      return FALSE;
    }
  if (debug)
    {
      VkDebugUtilsMessengerCreateInfoEXT info = messenger_info (ctx);
      ctx->vk.CreateDebugUtilsMessengerEXT (ctx->instance, &info, NULL, &ctx->messenger);
    }
  return TRUE;
}

/* Physical devices */

static const char *
device_kind (VkPhysicalDeviceType type)
{
  switch (type)
    {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "cpu";
    default:
      return "other";
    }
}

static guint
device_rank (VkPhysicalDeviceType type)
{
  switch (type)
    {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 1;
    default:
      return 0;
    }
}

/* The first queue family with compute, or G_MAXUINT32. */
static guint32
compute_queue_family (CepVulkanFunctions *vk,
                      VkPhysicalDevice    physical)
{
  uint32_t count = 0;
  guint32 family = G_MAXUINT32;

  vk->GetPhysicalDeviceQueueFamilyProperties (physical, &count, NULL);
  g_autofree VkQueueFamilyProperties *props = g_new0 (VkQueueFamilyProperties, MAX (count, 1));
  vk->GetPhysicalDeviceQueueFamilyProperties (physical, &count, props);
  for (uint32_t i = 0; i < count && family == G_MAXUINT32; i++)
    if (props[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
      family = i;
  return family;
}

static gboolean
device_usable (CepVulkanFunctions *vk,
               VkPhysicalDevice    physical)
{
  VkPhysicalDeviceProperties props;

  vk->GetPhysicalDeviceProperties (physical, &props);
  return props.apiVersion >= VK_API_VERSION_1_1 &&
         compute_queue_family (vk, physical) != G_MAXUINT32;
}

static GPtrArray *
enumerate_devices (CepVulkanContext *ctx,
                   GError          **error)
{
  uint32_t count = 0;
  VkResult result = ctx->vk.EnumeratePhysicalDevices (ctx->instance, &count, NULL);
  GPtrArray *devices = g_ptr_array_new ();

  if (result == VK_SUCCESS && count > 0)
    {
      g_ptr_array_set_size (devices, count);
      result = ctx->vk.EnumeratePhysicalDevices (ctx->instance, &count,
                                                 (VkPhysicalDevice *) devices->pdata);
      g_ptr_array_set_size (devices, count);
    }
  if (result != VK_SUCCESS && result != VK_INCOMPLETE)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: cannot list devices (%s)", _cep_vulkan_result_string (result));
      g_ptr_array_unref (devices);
      return NULL;
    }
  return devices;
}

/* The best usable device: highest rank, first in enumeration order. */
static gint
best_device (CepVulkanContext *ctx,
             GPtrArray        *devices)
{
  gint best = -1;
  guint best_rank = 0;

  for (guint i = 0; i < devices->len; i++)
    {
      VkPhysicalDeviceProperties props;
      ctx->vk.GetPhysicalDeviceProperties (devices->pdata[i], &props);
      guint rank = device_rank (props.deviceType) + 1;
      if (device_usable (&ctx->vk, devices->pdata[i]) && rank > best_rank)
        {
          best = (gint) i;
          best_rank = rank;
        }
    }
  return best;
}

/* @choice: a decimal index, or a case-insensitive part of a device name. */
static gint
chosen_device (CepVulkanContext *ctx,
               GPtrArray        *devices,
               const char       *choice)
{
  guint64 index;

  if (g_ascii_string_to_unsigned (choice, 10, 0, G_MAXUINT, &index, NULL))
    return index < devices->len ? (gint) index : -1;
  g_autofree char *wanted = g_utf8_casefold (choice, -1);
  for (guint i = 0; i < devices->len; i++)
    {
      VkPhysicalDeviceProperties props;
      ctx->vk.GetPhysicalDeviceProperties (devices->pdata[i], &props);
      g_autofree char *name = g_utf8_casefold (props.deviceName, -1);
      if (strstr (name, wanted) != NULL)
        return (gint) i;
    }
  return -1;
}

/* "0 “llvmpipe (LLVM 15.0.6, 256 bits)”, 1 “…”": what a choice can name. */
static char *
describe_choices (CepVulkanContext *ctx,
                  GPtrArray        *devices)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    {
      VkPhysicalDeviceProperties props;
      ctx->vk.GetPhysicalDeviceProperties (devices->pdata[i], &props);
      g_string_append_printf (list, "%s%u “%s”", i > 0 ? ", " : "", i, props.deviceName);
    }
  return g_string_free (list, FALSE);
}

static gboolean
pick_device (CepVulkanContext *ctx,
             const char       *choice,
             GError          **error)
{
  g_autoptr (GPtrArray) devices = enumerate_devices (ctx, error);
  gint index;

  if (devices == NULL)
    return FALSE;
  if (devices->len == 0)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: no Vulkan device found (no driver installed, or none that "
                   "works here); use the blas backend");
      return FALSE;
    }
  index = choice != NULL ? chosen_device (ctx, devices, choice) : best_device (ctx, devices);
  if (index < 0 || !device_usable (&ctx->vk, devices->pdata[index]))
    {
      if (choice != NULL)
        {
          g_autofree char *choices = describe_choices (ctx, devices);
          g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                       "vulkan: no usable device matches “%s” (devices here: %s)", choice,
                       choices);
        }
      else
        g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                     "vulkan: none of the %u devices has compute queues and Vulkan 1.1",
                     devices->len);
      return FALSE;
    }
  ctx->physical = devices->pdata[index];
  return TRUE;
}

/* Logical device */

static void
read_limits (CepVulkanContext *ctx)
{
  VkPhysicalDeviceMaintenance3Properties maintenance3 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES,
  };
  VkPhysicalDeviceProperties2 props2 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    .pNext = &maintenance3,
  };

  ctx->vk.GetPhysicalDeviceProperties2 (ctx->physical, &props2);
  ctx->properties = props2.properties;
  ctx->max_allocation = maintenance3.maxMemoryAllocationSize;
  ctx->max_binding = ctx->properties.limits.maxStorageBufferRange;
  ctx->binding_alignment = MAX (ctx->properties.limits.minStorageBufferOffsetAlignment, 4);
  const char *limit = g_getenv ("CEPSTRA_VULKAN_MAX_BINDING");
  guint64 bytes;
  if (limit != NULL && g_ascii_string_to_unsigned (limit, 10, 4096, G_MAXUINT64, &bytes, NULL))
    ctx->max_binding = MIN (ctx->max_binding, bytes);
  ctx->vk.GetPhysicalDeviceMemoryProperties (ctx->physical, &ctx->memory_properties);
}

gboolean
_cep_vulkan_create_device (CepVulkanContext *ctx,
                           const char       *choice,
                           GError          **error)
{
  float priority = 1.0f;
  VkResult result;

  if (choice == NULL || *choice == '\0')
    choice = g_getenv ("CEPSTRA_VULKAN_DEVICE");
  if (choice != NULL && *choice == '\0')
    choice = NULL;
  if (!pick_device (ctx, choice, error))
    return FALSE;
  read_limits (ctx);
  ctx->queue_family = compute_queue_family (&ctx->vk, ctx->physical);
  VkDeviceQueueCreateInfo queue = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
    .queueFamilyIndex = ctx->queue_family,
    .queueCount = 1,
    .pQueuePriorities = &priority,
  };
  VkDeviceCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
    .queueCreateInfoCount = 1,
    .pQueueCreateInfos = &queue,
  };
  result = ctx->vk.CreateDevice (ctx->physical, &info, NULL, &ctx->device);
  if (result != VK_SUCCESS || !load_device_functions (&ctx->vk, ctx->device))
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: cannot open %s (%s)", ctx->properties.deviceName,
                   _cep_vulkan_result_string (result));
      return FALSE;
    }
  ctx->vk.GetDeviceQueue (ctx->device, ctx->queue_family, 0, &ctx->queue);
  return TRUE;
}

void
_cep_vulkan_destroy_device (CepVulkanContext *ctx)
{
  if (ctx->device != VK_NULL_HANDLE)
    ctx->vk.DestroyDevice (ctx->device, NULL);
  if (ctx->messenger != VK_NULL_HANDLE)
    ctx->vk.DestroyDebugUtilsMessengerEXT (ctx->instance, ctx->messenger, NULL);
  if (ctx->instance != VK_NULL_HANDLE)
    ctx->vk.DestroyInstance (ctx->instance, NULL);
  g_clear_pointer (&ctx->library, g_module_close);
}

char *
_cep_vulkan_describe_device (CepVulkanContext *ctx)
{
  const VkMemoryType *type = &ctx->memory_properties.memoryTypes[ctx->device_memory_type];
  guint64 heap = ctx->memory_properties.memoryHeaps[type->heapIndex].size;
  guint32 v = ctx->properties.apiVersion;

  return g_strdup_printf ("vulkan: %s (%s), Vulkan %u.%u.%u, %" G_GUINT64_FORMAT " MiB",
                          ctx->properties.deviceName, device_kind (ctx->properties.deviceType),
                          VK_API_VERSION_MAJOR (v), VK_API_VERSION_MINOR (v),
                          VK_API_VERSION_PATCH (v), heap >> 20);
}

/* Listing */

void
cep_vulkan_device_free (CepVulkanDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->kind);
  g_free (device);
}

static CepVulkanDevice *
describe_physical (CepVulkanContext *ctx,
                   VkPhysicalDevice  physical,
                   guint             index)
{
  VkPhysicalDeviceProperties props;
  CepVulkanDevice *device = g_new0 (CepVulkanDevice, 1);

  ctx->vk.GetPhysicalDeviceProperties (physical, &props);
  device->index = index;
  device->name = g_strdup (props.deviceName);
  device->kind = g_strdup (device_kind (props.deviceType));
  device->api_version = props.apiVersion;
  device->usable = device_usable (&ctx->vk, physical);
  return device;
}

GPtrArray *
cep_backend_vulkan_list_devices (GError **error)
{
  CepVulkanContext ctx = { 0 };
  GPtrArray *list = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (_cep_vulkan_open_loader (&ctx.vk, &ctx.library, error) &&
      _cep_vulkan_create_instance (&ctx, CEP_VULKAN_VALIDATION_NONE, error))
    {
      g_autoptr (GPtrArray) devices = enumerate_devices (&ctx, error);
      if (devices != NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_vulkan_device_free);
          for (guint i = 0; i < devices->len; i++)
            g_ptr_array_add (list, describe_physical (&ctx, devices->pdata[i], i));
        }
    }
  _cep_vulkan_destroy_device (&ctx);
  return list;
}
