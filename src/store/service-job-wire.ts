/**
 * The parts of the Services `ServiceJob` wire shape the store maps from (Services API v1
 * model, see shared/spapi/DIGEST.md §6). Structural, so the generated wire types fit it.
 */
interface WireAppointmentTime {
  startTime: string;
  durationInMinutes: number;
}

export interface ServiceJobWire {
  createTime?: string;
  serviceJobId?: string;
  serviceJobStatus?: string;
  scopeOfWork?: { asin?: string; title?: string; quantity?: number; requiredSkills?: string[] };
  seller?: { sellerId?: string };
  serviceJobProvider?: { serviceJobProviderId?: string };
  preferredAppointmentTimes?: WireAppointmentTime[];
  appointments?: {
    appointmentId?: string;
    appointmentStatus?: 'ACTIVE' | 'CANCELLED' | 'COMPLETED';
    appointmentTime?: WireAppointmentTime;
    assignedTechnicians?: { technicianId?: string; name?: string }[];
    rescheduledAppointmentId?: string;
    poa?: { poaType?: string };
  }[];
  serviceOrderId?: string;
  productOrderIds?: string[];
  trackingIds?: string[];
  marketplaceId?: string;
  storeId?: string;
  buyer?: { buyerId?: string; name?: string; phone?: string; isPrimeMember?: boolean };
  associatedItems?: {
    asin?: string;
    title?: string;
    quantity?: number;
    orderId?: string;
    itemStatus?: string;
    brandName?: string;
    itemDelivery?: {
      estimatedDeliveryDate?: string;
      itemDeliveryPromise?: { startTime?: string; endTime?: string };
    };
    linkedAssets?: {
      assetType?: string;
      assetName?: string;
      additionalAttributes?: Record<string, string>;
    }[];
  }[];
  serviceLocation?: {
    serviceLocationType?: 'IN_HOME' | 'IN_STORE' | 'ONLINE';
    address?: {
      name: string;
      addressLine1: string;
      addressLine2?: string;
      addressLine3?: string;
      city?: string;
      county?: string;
      district?: string;
      stateOrRegion?: string;
      postalCode?: string;
      countryCode?: string;
      phone?: string;
    };
  };
}
